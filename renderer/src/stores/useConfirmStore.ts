import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  danger: boolean;
}

/**
 * One modal confirmation at a time (stop, delete). `ask()` resolves true when the user confirms;
 * a second ask while one is open answers the first with false, so no promise is left hanging.
 */
export const useConfirmStore = defineStore('confirm', () => {
  const current = shallowRef<ConfirmRequest | null>(null);
  let resolver: ((ok: boolean) => void) | null = null;

  function ask(req: ConfirmRequest): Promise<boolean> {
    answer(false);
    current.value = req;
    return new Promise((resolve) => (resolver = resolve));
  }

  function answer(ok: boolean): void {
    const r = resolver;
    resolver = null;
    current.value = null;
    r?.(ok);
  }

  return { current, ask, answer };
});
