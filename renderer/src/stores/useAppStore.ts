import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { AppInfo } from '../../../core/api/contract';
import { useApi } from '../api';
import { useToastStore } from './useToastStore';

export type Theme = 'dark' | 'light';

const THEME_KEY = 'spikelab.theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'dark' || saved === 'light') return saved;
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/**
 * App-wide state.
 * State: `info` (backend, workspace, host; null until loaded), `theme` (persisted in localStorage
 * and mirrored to <html data-theme> so CSS variables switch), `connected`.
 * Actions: `loadInfo()`, `toggleTheme()`.
 */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const theme = ref<Theme>(initialTheme());
  const connected = ref(false);

  watch(
    theme,
    (t) => {
      document.documentElement.dataset.theme = t;
      localStorage.setItem(THEME_KEY, t);
    },
    { immediate: true },
  );

  async function loadInfo(): Promise<void> {
    try {
      info.value = await useApi().getAppInfo();
      connected.value = true;
    } catch (err) {
      useToastStore().error(err, 'Cannot read app info');
    }
  }

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }

  return { info, theme, connected, loadInfo, toggleTheme };
});
