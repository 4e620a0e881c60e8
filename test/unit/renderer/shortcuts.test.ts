import { describe, expect, it } from 'vitest';
import { matchShortcut, SHORTCUTS, type KeyLike } from '../../../renderer/src/lib/shortcuts';
import { parseUiState } from '../../../renderer/src/stores/useUiStore';
import { loadJson, saveJson, type StorageLike } from '../../../renderer/src/lib/persisted';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('matchShortcut', () => {
  it('maps keys to actions', () => {
    expect(matchShortcut(key('Enter', { ctrlKey: true }), false)).toBe('train');
    expect(matchShortcut(key('Enter', { metaKey: true }), false)).toBe('train');
    expect(matchShortcut(key(' '), false)).toBe('togglePause');
    expect(matchShortcut(key('Escape'), false)).toBe('stop');
    expect(matchShortcut(key('?', { shiftKey: true }), false)).toBe('help');
    expect(matchShortcut(key('2'), false)).toBe('viewRuns');
    expect(matchShortcut(key('x'), false)).toBeNull();
    expect(matchShortcut(key('Enter'), false)).toBeNull();
    // Ctrl+1 belongs to the browser / OS, not to the view switch.
    expect(matchShortcut(key('1', { ctrlKey: true }), false)).toBeNull();
  });

  it('leaves single keys to a focused field but still trains on Ctrl+Enter', () => {
    expect(matchShortcut(key(' '), true)).toBeNull();
    expect(matchShortcut(key('t'), true)).toBeNull();
    expect(matchShortcut(key('Escape'), true)).toBeNull();
    expect(matchShortcut(key('Enter', { ctrlKey: true }), true)).toBe('train');
  });

  it('lists every action once in the help table', () => {
    expect(new Set(SHORTCUTS.map((s) => s.action)).size).toBe(SHORTCUTS.length);
  });
});

describe('persisted panel state', () => {
  it('parseUiState keeps valid fields and defaults the rest', () => {
    expect(parseUiState(undefined)).toEqual({ view: 'train', collapsed: [], compareMetric: 'testAccuracy', compareIds: [] });
    expect(parseUiState({ view: 'runs', collapsed: ['config', 3], compareMetric: 'bogus', compareIds: 'x' })).toEqual({ view: 'runs', collapsed: ['config'], compareMetric: 'testAccuracy', compareIds: [] });
  });

  it('loadJson survives corrupt storage and saveJson survives a full one', () => {
    const bad: StorageLike = { getItem: () => '{not json', setItem: () => undefined };
    expect(loadJson(bad, 'k', parseUiState).view).toBe('train');
    const full: StorageLike = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => saveJson(full, 'k', { a: 1 })).not.toThrow();
  });
});
