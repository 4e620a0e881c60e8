/**
 * Format detection from the bytes (magic strings and header lines), the file extension only as a
 * tie-breaker for headerless ATIS `.bin` files, and one entry point that reads any event file.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseAedat2 } from './aedat2';
import { parseAedat3 } from './aedat3';
import { parseAedat4 } from './aedat4';
import { parseAtisBin, type AtisOptions } from './atisBin';
import { parseEvt2 } from './evt2';
import { parseEvt3 } from './evt3';
import { readPropheseeHeader } from './prophHeader';
import { parseProphDat } from './prophDat';
import { startsWithAscii } from './textHeader';
import { EventFileError, type EventFormat, type EventRecording } from './types';

/** Extensions SpikeLab treats as event files when scanning folders. */
export const EVENT_EXTENSIONS = ['.bin', '.bs2', '.aedat', '.aedat4', '.raw', '.dat'] as const;

export function isEventFileName(name: string): boolean {
  return (EVENT_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

export function detectEventFormat(bytes: Uint8Array, file: string): EventFormat {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, 'an event file (it has 0 bytes)');
  if (startsWithAscii(bytes, '#!AER-DAT4.')) return 'aedat4';
  if (startsWithAscii(bytes, '#!AER-DAT3.')) return 'aedat3';
  if (startsWithAscii(bytes, '#!AER-DAT2.') || startsWithAscii(bytes, '#!AER-DAT1.')) return 'aedat2';
  if (bytes[0] === 0x25) {
    const h = readPropheseeHeader(bytes);
    if (h.evt === '2.0') return 'evt2';
    if (h.evt === '3.0') return 'evt3';
    if (h.lines.some((l) => /^% (Data file containing|Version \d)/.test(l))) return 'prophesee-dat';
    const ext = extname(file).toLowerCase();
    if (ext === '.dat') return 'prophesee-dat';
    throw new EventFileError(file, 'UNKNOWN_FORMAT', 0, 'a Prophesee header naming the encoding ("% evt 2.0", "% evt 3.0" or "% format EVT3")');
  }
  const ext = extname(file).toLowerCase();
  // ATIS .bin has no header: accept it by extension, or when nothing else matched and the length fits.
  if (ext === '.bin' || ext === '.bs2' || bytes.length % 5 === 0) return 'atis-bin';
  throw new EventFileError(file, 'UNKNOWN_FORMAT', 0, 'an AEDAT "#!AER-DAT" header, a Prophesee "%" header, or a headerless ATIS .bin', `0x${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')}`);
}

export interface ReadEventOptions {
  /** Skip detection. */
  format?: EventFormat;
  /** Sensor size for headerless ATIS files. */
  atis?: AtisOptions;
}

export function parseEventBytes(bytes: Uint8Array, file: string, opts: ReadEventOptions = {}): EventRecording {
  const format = opts.format ?? detectEventFormat(bytes, file);
  switch (format) {
    case 'atis-bin':
      return parseAtisBin(bytes, file, opts.atis);
    case 'aedat2':
      return parseAedat2(bytes, file);
    case 'aedat3':
      return parseAedat3(bytes, file);
    case 'aedat4':
      return parseAedat4(bytes, file);
    case 'evt2':
      return parseEvt2(bytes, file);
    case 'evt3':
      return parseEvt3(bytes, file);
    case 'prophesee-dat':
      return parseProphDat(bytes, file);
  }
}

export async function readEventFile(file: string, opts: ReadEventOptions = {}): Promise<EventRecording> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new EventFileError(file, 'IO', 0, 'a readable file', (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  return parseEventBytes(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file, opts);
}

/**
 * Synchronous read through one reused buffer, for loops over many small files (N-MNIST's 60000
 * samples of ~20 KB): saves the per-file Buffer allocation and the fstat of readFileSync. Safe
 * because every reader copies events out of the input bytes and keeps no view of them.
 */
export function readEventFileSync(file: string, opts: ReadEventOptions = {}): EventRecording {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new EventFileError(file, 'IO', 0, 'a readable file', (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  try {
    let n = readSync(fd, scratch, 0, scratch.length, 0);
    if (n === scratch.length) {
      // Larger than the scratch buffer: size it from fstat and read the rest.
      const size = fstatSync(fd).size;
      const big = new Uint8Array(size);
      big.set(scratch);
      while (n < size) {
        const r = readSync(fd, big, n, size - n, n);
        if (r === 0) break;
        n += r;
      }
      if (big.length > scratch.length && big.length <= MAX_SCRATCH) scratch = big;
      return parseEventBytes(big.subarray(0, n), file, opts);
    }
    return parseEventBytes(scratch.subarray(0, n), file, opts);
  } finally {
    closeSync(fd);
  }
}

const MAX_SCRATCH = 16 << 20;
let scratch = new Uint8Array(256 << 10);
