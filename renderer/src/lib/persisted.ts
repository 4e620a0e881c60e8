/**
 * Panel state kept across restarts in localStorage. Reads are validated field by field: a value
 * saved by an older build, or edited by hand, falls back to the default instead of breaking the UI.
 */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function loadJson<T>(storage: StorageLike, key: string, parse: (raw: unknown) => T): T {
  let raw: unknown = undefined;
  try {
    const text = storage.getItem(key);
    raw = text === null ? undefined : JSON.parse(text);
  } catch {
    // corrupt JSON: same as nothing saved
  }
  return parse(raw);
}

export function saveJson(storage: StorageLike, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // quota exceeded or storage disabled: the state is only lost on restart
  }
}
