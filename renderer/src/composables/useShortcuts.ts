/**
 * App-wide keyboard shortcuts (see lib/shortcuts.ts for the table). One keydown listener on the
 * window; keys typed into form fields stay with the field except Ctrl+Enter, which trains.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import { matchShortcut, type ShortcutAction } from '../lib/shortcuts';
import { useAppStore } from '../stores/useAppStore';
import { useConfirmStore } from '../stores/useConfirmStore';
import { useRunsStore } from '../stores/useRunsStore';
import { useTrainFormStore } from '../stores/useTrainFormStore';
import { useUiStore } from '../stores/useUiStore';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName);
}

export function confirmStop(): Promise<boolean> {
  const runs = useRunsStore();
  return useConfirmStore().ask({
    title: 'Stop this run?',
    message: `“${runs.selected?.name ?? ''}” will write a checkpoint and stop. You can resume it later from the Runs view.`,
    confirmLabel: 'Stop run',
    danger: true,
  });
}

export function useShortcuts(): void {
  const app = useAppStore();
  const runs = useRunsStore();
  const form = useTrainFormStore();
  const ui = useUiStore();
  const confirm = useConfirmStore();

  async function run(action: ShortcutAction): Promise<void> {
    switch (action) {
      case 'train':
        if (form.request && runs.pending === null) await runs.start(form.request);
        break;
      case 'togglePause':
        if (runs.canPause) await runs.pause();
        else if (runs.selected?.status === 'paused' && runs.canResume) await runs.resume();
        break;
      case 'stop':
        if (runs.canStop && (await confirmStop())) await runs.stop();
        break;
      case 'help':
        ui.helpOpen = !ui.helpOpen;
        break;
      case 'viewTrain':
        ui.setView('train');
        break;
      case 'viewRuns':
        ui.setView('runs');
        break;
      case 'viewBuilder':
        ui.setView('builder');
        break;
      case 'viewMonitor':
        ui.setView('monitor');
        break;
      case 'viewData':
        ui.setView('data');
        break;
      case 'viewBoard':
        ui.setView('board');
        break;
      case 'viewPlasticity':
        ui.setView('plasticity');
        break;
      case 'toggleTheme':
        app.toggleTheme();
        break;
    }
  }

  function onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.repeat) return;
    // An open dialog owns the keyboard: Esc closes it rather than asking to stop again.
    if (confirm.current !== null || ui.helpOpen) {
      if (e.key === 'Escape') {
        e.preventDefault();
        if (confirm.current !== null) confirm.answer(false);
        else ui.helpOpen = false;
      }
      return;
    }
    // A focused button takes Space as a click; leave it alone so Space never does two things.
    if (e.key === ' ' && e.target instanceof HTMLButtonElement) return;
    const action = matchShortcut(e, isTyping(e.target));
    if (action === null) return;
    e.preventDefault();
    void run(action);
  }

  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
