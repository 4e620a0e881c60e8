/**
 * Keyboard shortcuts: the table shown by "?" and the pure matcher the composable uses, so the
 * binding logic is unit-tested without a DOM.
 */
export type ShortcutAction = 'train' | 'togglePause' | 'stop' | 'help' | 'viewTrain' | 'viewRuns' | 'viewBuilder' | 'viewMonitor' | 'viewData' | 'viewBoard' | 'viewPlasticity' | 'toggleTheme';

/** Number keys 1..7 select the views in navigation order. */
export const VIEW_KEYS: Readonly<Record<string, ShortcutAction>> = {
  '1': 'viewTrain',
  '2': 'viewRuns',
  '3': 'viewBuilder',
  '4': 'viewMonitor',
  '5': 'viewData',
  '6': 'viewBoard',
  '7': 'viewPlasticity',
};

export interface ShortcutDef {
  action: ShortcutAction;
  keys: string;
  label: string;
  /** Allowed while focus is in a text field (Ctrl+Enter submits the form from any field). */
  inFields: boolean;
}

export const SHORTCUTS: readonly ShortcutDef[] = [
  { action: 'train', keys: 'Ctrl+Enter', label: 'Start training with the current settings', inFields: true },
  { action: 'togglePause', keys: 'Space', label: 'Pause or resume the selected run', inFields: false },
  { action: 'stop', keys: 'Esc', label: 'Stop the selected run (asks first)', inFields: false },
  { action: 'viewTrain', keys: '1', label: 'Go to the Train view', inFields: false },
  { action: 'viewRuns', keys: '2', label: 'Go to the Runs view', inFields: false },
  { action: 'viewBuilder', keys: '3', label: 'Go to the Model builder', inFields: false },
  { action: 'viewMonitor', keys: '4', label: 'Go to the Spike monitor', inFields: false },
  { action: 'viewData', keys: '5', label: 'Go to the Data view', inFields: false },
  { action: 'viewBoard', keys: '6', label: 'Go to the Board view', inFields: false },
  { action: 'viewPlasticity', keys: '7', label: 'Go to the Plasticity panel', inFields: false },
  { action: 'toggleTheme', keys: 'T', label: 'Switch dark / light theme', inFields: false },
  { action: 'help', keys: '?', label: 'Show this list', inFields: false },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The action a key press means, or null. `typing`: focus is in an input, select or textarea. */
export function matchShortcut(e: KeyLike, typing: boolean): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  let action: ShortcutAction | null = null;
  if (mod && !e.altKey && e.key === 'Enter') action = 'train';
  else if (mod || e.altKey) return null;
  else if (e.key === ' ') action = 'togglePause';
  else if (e.key === 'Escape') action = 'stop';
  else if (e.key === '?') action = 'help';
  else if (e.key in VIEW_KEYS) action = VIEW_KEYS[e.key];
  else if (e.key === 't' || e.key === 'T') action = 'toggleTheme';
  if (action === null) return null;
  const def = SHORTCUTS.find((s) => s.action === action);
  return typing && !def?.inFields ? null : action;
}
