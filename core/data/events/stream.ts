/**
 * Streaming reads for large recordings (Prophesee EVT 2.0 and .dat files run to gigabytes, AEDAT 2
 * and ATIS to hundreds of MB): the file is read in chunks of whole records and decoded with the same
 * kernels as the whole-file readers, their state (last timestamp, time base, wrap offsets) carried
 * from one chunk to the next, so memory stays at one chunk however large the file. Formats whose
 * records are not fixed-size (AEDAT 3.1 and 4 packets, the EVT 3.0 state machine) go through their
 * ChunkDecoder, which takes byte chunks of any size. Files that fit in the first read (`headBytes`)
 * are parsed whole and handed out in chunks, so callers see one API.
 */
import { open } from 'node:fs/promises';
import { readAedat2Header, decodeDavis, decodeDvs128 } from './aedat2';
import { Aedat3Decoder, readAedat3Start } from './aedat3';
import { Aedat4Decoder, aedat4HeaderLength, readAedat4Start } from './aedat4';
import { Evt3Decoder, readEvt3Start } from './evt3';
import { atisState, decodeAtis } from './atisBin';
import { detectEventFormat, readEventFile, type ReadEventOptions } from './detect';
import { decodeEvt2, evt2State } from './evt2';
import { readPropheseeHeader } from './prophHeader';
import { decodeDat, readDatHeader } from './prophDat';
import { EventFileError, allocEvents, emptyEvents, makeRecording, sliceEvents, type ChunkDecoder, type EventFormat, type EventRecording, type EventStream } from './types';

export interface StreamOptions extends ReadEventOptions {
  /** Events per chunk at most (default 2^20). */
  chunkEvents?: number;
  /** Bytes read up front for detection and the header (default 4 MiB); files that fit are parsed whole. */
  headBytes?: number;
  /** Bytes per read for the packet / state-machine formats (AEDAT 3.1, AEDAT 4, EVT 3.0; default 1 MiB). */
  chunkBytes?: number;
}

type Kernel = (bytes: Uint8Array, start: number, ev: EventStream, file: string, st: Float64Array, base: number) => number;

interface Plan {
  start: number;
  record: number;
  width: number;
  height: number;
  camera?: string;
  kernel: Kernel;
  state: Float64Array;
}

const HEAD_BYTES = 4 << 20; // headers (jAER XML preferences included) fit well within this

function plan(format: EventFormat, head: Uint8Array, file: string, opts: StreamOptions): Plan | undefined {
  switch (format) {
    case 'atis-bin':
      return { start: 0, record: 5, width: opts.atis?.width ?? 304, height: opts.atis?.height ?? 240, camera: 'ATIS', kernel: decodeAtis, state: atisState() };
    case 'aedat2': {
      const h = readAedat2Header(head, file);
      return { start: h.start, record: 8, width: h.chip.width, height: h.chip.height, camera: h.chip.name, kernel: h.layout === 'dvs128' ? decodeDvs128 : decodeDavis, state: Float64Array.of(-2147483649) };
    }
    case 'prophesee-dat': {
      const h = readDatHeader(head, file);
      return { start: h.start, record: 8, width: h.width, height: h.height, camera: h.camera, kernel: decodeDat, state: Float64Array.of(-1) };
    }
    case 'evt2': {
      const h = readPropheseeHeader(head);
      return { start: h.end, record: 4, width: h.width ?? 640, height: h.height ?? 480, camera: h.camera, kernel: decodeEvt2, state: evt2State() };
    }
    default:
      return undefined;
  }
}

interface DecoderPlan {
  start: number;
  decoder: ChunkDecoder;
  camera?: string;
}

function decoderPlan(format: EventFormat, head: Uint8Array, file: string, size: number): DecoderPlan | undefined {
  switch (format) {
    case 'aedat3': {
      const s = readAedat3Start(head, file, size);
      return { start: s.start, decoder: new Aedat3Decoder(s.sensor, file, size), camera: s.sensor.name };
    }
    case 'aedat4': {
      const s = readAedat4Start(head, file, size);
      return { start: s.info.dataStart, decoder: new Aedat4Decoder(s, file) };
    }
    case 'evt3': {
      const s = readEvt3Start(head, file, size);
      return { start: s.start, decoder: new Evt3Decoder(s.width, s.height, file), camera: s.camera };
    }
    default:
      return undefined;
  }
}

/** Pieces of at most `max` events (views, no copy). */
function* pieces(ev: EventStream, max: number): Generator<EventStream> {
  for (let a = 0; a < ev.t.length; a += max) {
    const b = Math.min(ev.t.length, a + max);
    yield a === 0 && b === ev.t.length ? ev : { x: ev.x.subarray(a, b), y: ev.y.subarray(a, b), p: ev.p.subarray(a, b), t: ev.t.subarray(a, b), width: ev.width, height: ev.height };
  }
}

/** Yield a file's events in chunks (each a recording of the same format and sensor size). */
export async function* streamEventFile(file: string, opts: StreamOptions = {}): AsyncGenerator<EventRecording> {
  const chunkEvents = opts.chunkEvents ?? 1 << 20;
  if (!(Number.isInteger(chunkEvents) && chunkEvents > 0)) throw new RangeError(`chunkEvents must be a positive integer, got ${chunkEvents}`);
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new EventFileError(file, 'IO', 0, 'a readable file', (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  try {
    const size = (await fh.stat()).size;
    let head = new Uint8Array(Math.min(size, opts.headBytes ?? HEAD_BYTES));
    await fh.read(head, 0, head.length, 0);
    // Detection reads only magic strings and header lines, which lie within the head.
    const format = opts.format ?? detectEventFormat(head, file);
    if (format === 'aedat4' && head.length < size) {
      // The IOHeader's length is known from its prefix: read all of it (clamped to the file).
      const need = Math.min(size, aedat4HeaderLength(head));
      if (need > head.length) {
        head = new Uint8Array(need);
        await fh.read(head, 0, need, 0);
      }
    }
    const d = head.length === size ? undefined : decoderPlan(format, head, file, size);
    if (d) {
      const chunkBytes = opts.chunkBytes ?? 1 << 20;
      if (!(Number.isInteger(chunkBytes) && chunkBytes > 0)) throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
      const buf = new Uint8Array(Math.min(chunkBytes, Math.max(1, size - d.start)));
      let yielded = false;
      for (let pos = d.start; pos < size; ) {
        const want = Math.min(buf.length, size - pos);
        const { bytesRead } = await fh.read(buf, 0, want, pos);
        if (bytesRead !== want) throw new EventFileError(file, 'TRUNCATED', pos + bytesRead, `${want} bytes (the file shrank while being read)`);
        const ev = d.decoder.push(buf.subarray(0, want), pos);
        pos += want;
        for (const part of pieces(ev, chunkEvents)) {
          yielded = true;
          yield makeRecording(part, part.t.length, format, d.camera);
        }
      }
      d.decoder.finish();
      if (!yielded) yield makeRecording(emptyEvents(d.decoder.width, d.decoder.height), 0, format, d.camera);
      return;
    }
    const p = head.length === size ? undefined : plan(format, head, file, opts);
    if (!p) {
      // Small file or a packet/state-machine format: parse whole, hand out in chunks.
      const rec = await readEventFile(file, { ...opts, format });
      for (let a = 0; a < rec.t.length || a === 0; a += chunkEvents) {
        const part = sliceEvents(rec, a, Math.min(rec.t.length, a + chunkEvents));
        yield makeRecording(part, part.t.length, rec.format, rec.camera);
        if (rec.t.length === 0) break;
      }
      return;
    }
    const body = size - p.start;
    if (body % p.record !== 0) {
      throw new EventFileError(file, 'TRUNCATED', size - (body % p.record), `whole ${p.record}-byte records`, `${body % p.record} trailing bytes`);
    }
    const buf = new Uint8Array(chunkEvents * p.record);
    for (let pos = p.start; pos < size; ) {
      const want = Math.min(buf.length, size - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead !== want) throw new EventFileError(file, 'TRUNCATED', pos + bytesRead, `${want} bytes (the file shrank while being read)`);
      const ev = allocEvents(want / p.record, p.width, p.height);
      const n = p.kernel(buf.subarray(0, want), 0, ev, file, p.state, pos);
      pos += want;
      if (n > 0) yield makeRecording(ev, n, format, p.camera);
    }
  } finally {
    await fh.close();
  }
}
