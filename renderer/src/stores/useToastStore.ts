import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiErrorCode } from '../../../core/api/contract';
import { toApiError } from '../api';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  /** ApiError code for errors, shown as a badge so users can search for it. */
  code: ApiErrorCode | null;
  title: string;
  message: string;
}

/**
 * Transient notifications.
 * State: `toasts`, newest last, at most 5 (older ones drop so a failure storm cannot flood the UI).
 * Actions: `error(err, title)` shows any thrown value as an ApiError; `info(message)`;
 * `dismiss(id)`. Errors stay 10 s, info 4 s.
 */
export const useToastStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let nextId = 1;

  function push(t: Omit<Toast, 'id'>, ttlMs: number): number {
    const id = nextId++;
    toasts.value = [...toasts.value, { ...t, id }].slice(-5);
    setTimeout(() => dismiss(id), ttlMs);
    return id;
  }

  function error(err: unknown, title = 'Request failed'): number {
    const e = toApiError(err);
    return push({ kind: 'error', code: e.code, title, message: e.message }, 10_000);
  }

  function info(message: string, title = ''): number {
    return push({ kind: 'info', code: null, title, message }, 4_000);
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  return { toasts, error, info, dismiss };
});
