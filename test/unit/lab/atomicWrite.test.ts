import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFile, atomicWriteFileSync, atomicWriteJsonSync } from '../../../core/lab/atomicWrite';
import { tempDir } from './helpers';

describe('atomicWriteFileSync', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('replaces the file content and leaves no temp file', () => {
    const p = join(t.dir, 'a.json');
    atomicWriteJsonSync(p, { v: 1 });
    atomicWriteJsonSync(p, { v: 2 });
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual({ v: 2 });
    expect(readdirSync(t.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a crash between the temp write and the rename leaves the old file intact', () => {
    const p = join(t.dir, 'status.json');
    atomicWriteFileSync(p, 'old content');
    let temp = '';
    expect(() =>
      atomicWriteFileSync(p, 'new content that never lands', {
        beforeRename: (tp) => {
          temp = tp;
          // The temp is complete and durable at this point; simulate the process dying here.
          expect(readFileSync(tp, 'utf8')).toBe('new content that never lands');
          throw new Error('simulated crash');
        },
      }),
    ).toThrow('simulated crash');
    expect(readFileSync(p, 'utf8')).toBe('old content');
    expect(temp).not.toBe('');
    expect(temp.startsWith(t.dir)).toBe(true);
  });

  it('writes binary data exactly', () => {
    const p = join(t.dir, 'w.bin');
    const bytes = new Uint8Array(70_000).map((_, i) => i % 251);
    atomicWriteFileSync(p, bytes);
    expect(new Uint8Array(readFileSync(p))).toEqual(bytes);
  });

  it('fails with the OS error when the directory does not exist', () => {
    expect(() => atomicWriteFileSync(join(t.dir, 'nope', 'x'), 'x')).toThrow(/ENOENT/);
    expect(existsSync(join(t.dir, 'nope'))).toBe(false);
  });
});

describe('atomicWriteFile (async)', () => {
  const t = tempDir();
  const dir = t.dir;
  afterAll(() => t.cleanup());

  it('replaces the file content and leaves no temp file', async () => {
    const p = join(dir, 'status.json');
    await atomicWriteFile(p, 'one');
    await atomicWriteFile(p, 'two');
    expect(readFileSync(p, 'utf8')).toBe('two');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects with the OS error when the directory does not exist, creating nothing', async () => {
    const missing = join(dir, 'gone', 'status.json');
    await expect(atomicWriteFile(missing, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(join(dir, 'gone'))).toBe(false);
  });
});
