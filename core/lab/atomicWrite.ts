/**
 * Crash-safe file replacement: readers see either the old file or the complete new one, never a
 * torn write. The temp file lives in the target's directory because rename(2) is only atomic
 * within one file system.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open as openAsync, rename as renameAsync, unlink as unlinkAsync } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Test seam: called after the temp file is durable and before the rename. */
export interface AtomicWriteOptions {
  beforeRename?: (tempPath: string) => void;
}

export function atomicWriteFileSync(path: string, data: Uint8Array | string, opts: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(temp, 'w', 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    // Without fsync the rename can reach the disk before the data, leaving an empty file after a power cut.
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    safeUnlink(temp);
    throw err;
  }
  closeSync(fd);
  opts.beforeRename?.(temp);
  try {
    renameSync(temp, path);
  } catch (err) {
    safeUnlink(temp);
    throw err;
  }
  fsyncDir(dir);
}

export function atomicWriteJsonSync(path: string, value: unknown, opts: AtomicWriteOptions = {}): void {
  atomicWriteFileSync(path, `${JSON.stringify(value, null, 2)}\n`, opts);
}

/**
 * The same protocol without blocking the calling thread: the writes and both fsyncs run on libuv's
 * pool. The lab service writes status.json this way, because an fsync on a busy disk can take
 * hundreds of milliseconds and the service's thread also serves the UI.
 */
export async function atomicWriteFile(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await openAsync(temp, 'w', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlinkAsync(temp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await renameAsync(temp, path);
  } catch (err) {
    await unlinkAsync(temp).catch(() => undefined);
    throw err;
  }
  let dh;
  try {
    dh = await openAsync(dir, 'r');
    await dh.sync();
  } catch {
    // as in fsyncDir: platforms or file systems without directory fsync still rename atomically
  } finally {
    await dh?.close();
  }
}

/** Makes the rename itself durable; some platforms (Windows) cannot open directories, which is fine. */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR on file systems without directory fsync: the rename is still atomic.
  } finally {
    closeSync(fd);
  }
}

function safeUnlink(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // already gone
  }
}

/** Temp files left by a crash between write and rename; the run store sweeps them. */
export function isAtomicTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
