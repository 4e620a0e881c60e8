/**
 * AEDAT 3.x reader (cAER / jAER 3; DVS128 Gesture, Amir et al. 2017). `#` header lines from
 * `#!AER-DAT3.1` to `#!END-HEADER`, then packets, all little-endian:
 *   28-byte packet header: int16 eventType, int16 eventSource, int32 eventSize, int32 eventTSOffset,
 *   int32 eventTSOverflow, int32 eventCapacity, int32 eventNumber, int32 eventValid;
 *   then eventCapacity * eventSize bytes of events.
 * Polarity events (type 1, 8 bytes): uint32 data (bit 0 valid, bit 1 polarity, bits 2-16 y,
 * bits 17-31 x), int32 timestamp; the full timestamp is (eventTSOverflow << 31) | timestamp.
 * Other cAER packet types (special, frame, IMU, ...: 0..13) are skipped; anything above is an
 * unknown packet type and rejected.
 *
 * Aedat3Decoder walks packets as a byte-level state machine (packet header, then event bodies, an
 * event split across chunks kept in an 8-byte buffer), so streaming needs no whole packet in memory.
 */
import { readTextHeader, startsWithAscii } from './textHeader';
import { EventBuilder, EventFileError, makeRecording, lowerBound, sliceEvents, type ChunkDecoder, type EventRecording, type EventStream } from './types';

const POLARITY_EVENT = 1;
const MAX_KNOWN_TYPE = 13;
const PACKET_HEADER = 28;

/** Sensor size from the `#Source N: <chip>` header line (cAER names the chip there). */
function aedat3Sensor(lines: string[]): { name: string; width: number; height: number } {
  const src = lines.find((l) => /^#Source \d+:/.test(l))?.toLowerCase() ?? '';
  if (src.includes('davis346')) return { name: 'DAVIS346', width: 346, height: 260 };
  if (src.includes('davis240')) return { name: 'DAVIS240C', width: 240, height: 180 };
  if (src.includes('dvxplorer')) return { name: 'DVXplorer', width: 640, height: 480 };
  return { name: 'DVS128', width: 128, height: 128 };
}

export interface Aedat3Start {
  start: number;
  sensor: { name: string; width: number; height: number };
}

/** Checks the header in `head` (the file's first bytes) of a file of `size` bytes. */
export function readAedat3Start(head: Uint8Array, file: string, size: number): Aedat3Start {
  if (size === 0) throw new EventFileError(file, 'EMPTY', 0, 'the "#!AER-DAT3.1" header');
  if (!startsWithAscii(head, '#!AER-DAT3.')) throw new EventFileError(file, 'BAD_MAGIC', 0, '"#!AER-DAT3.1"');
  const header = readTextHeader(head, 0x23, (l) => l.startsWith('#!END-HEADER'));
  if (!header.lines.some((l) => l.startsWith('#!END-HEADER'))) {
    throw new EventFileError(file, 'BAD_HEADER', header.end, head.length < size ? `a "#!END-HEADER" line within the first ${head.length} bytes` : 'a "#!END-HEADER" line closing the header');
  }
  return { start: header.end, sensor: aedat3Sensor(header.lines) };
}

export function parseAedat3(bytes: Uint8Array, file: string): EventRecording {
  const s = readAedat3Start(bytes, file, bytes.length);
  const d = new Aedat3Decoder(s.sensor, file, bytes.length);
  const ev = d.push(bytes.subarray(s.start), s.start);
  d.finish();
  return makeRecording(ev, ev.t.length, 'aedat3', s.sensor.name);
}

export class Aedat3Decoder implements ChunkDecoder {
  readonly width: number;
  readonly height: number;
  /** Packet header bytes gathered so far (a header may straddle chunks). */
  private readonly head = new Uint8Array(PACKET_HEADER);
  private headFill = 0;
  private headAt = 0;
  /** Bytes of the current packet's body not yet seen; 0 between packets. */
  private remaining = 0;
  private bodyAt = 0;
  private polarity = false;
  private high = 0;
  private valid = 0;
  /** An event split across chunks. */
  private readonly part = new Uint8Array(8);
  private partFill = 0;
  private last = -Infinity;
  constructor(
    private readonly sensor: { name: string; width: number; height: number },
    private readonly file: string,
    /** File length: a packet that claims more bytes than the file holds is rejected as soon as its header is read. */
    private readonly fileEnd: number,
  ) {
    this.width = sensor.width;
    this.height = sensor.height;
  }

  push(bytes: Uint8Array, offset: number): EventStream {
    // Grown per run of polarity events, so a chunk of skipped packets allocates nothing big.
    const out = new EventBuilder(16);
    let o = 0;
    const len = bytes.length;
    while (o < len) {
      if (this.remaining === 0) {
        if (this.headFill === 0) {
          this.headAt = offset + o;
          if (this.headAt + PACKET_HEADER > this.fileEnd) {
            throw new EventFileError(this.file, 'TRUNCATED', this.headAt, `a ${PACKET_HEADER}-byte packet header`, `${this.fileEnd - this.headAt} bytes`);
          }
        }
        const take = Math.min(PACKET_HEADER - this.headFill, len - o);
        this.head.set(bytes.subarray(o, o + take), this.headFill);
        this.headFill += take;
        o += take;
        if (this.headFill === PACKET_HEADER) {
          this.headFill = 0;
          this.startPacket();
        }
      } else if (!this.polarity) {
        const skip = Math.min(this.remaining, len - o);
        o += skip;
        this.remaining -= skip;
      } else if (this.partFill > 0 || len - o < 8) {
        const take = Math.min(8 - this.partFill, len - o);
        this.part.set(bytes.subarray(o, o + take), this.partFill);
        this.partFill += take;
        o += take;
        if (this.partFill === 8) {
          this.partFill = 0;
          this.event(this.part, 0, out);
        }
      } else {
        out.reserve(Math.min(this.remaining, len - o) >> 3);
        while (len - o >= 8 && this.remaining > 0) {
          this.event(bytes, o, out);
          o += 8;
        }
      }
    }
    return out.finish(this.width, this.height);
  }

  /** Parse the gathered packet header and check it the way a whole-file read does. */
  private startPacket(): void {
    const v = new DataView(this.head.buffer);
    const pos = this.headAt;
    const type = v.getInt16(0, true);
    const size = v.getInt32(4, true);
    const overflow = v.getInt32(12, true);
    const capacity = v.getInt32(16, true);
    const number = v.getInt32(20, true);
    if (type < 0 || type > MAX_KNOWN_TYPE) {
      throw new EventFileError(this.file, 'UNKNOWN_PACKET', pos, `a cAER event type 0..${MAX_KNOWN_TYPE}`, `type ${type}`);
    }
    if (size <= 0 || capacity < 0 || number < 0 || number > capacity || overflow < 0) {
      throw new EventFileError(this.file, 'CORRUPT', pos, 'eventSize > 0 and 0 <= eventNumber <= eventCapacity', `size ${size}, number ${number}, capacity ${capacity}`);
    }
    const body = pos + PACKET_HEADER;
    const bytesInPacket = size * capacity;
    if (body + bytesInPacket > this.fileEnd) {
      throw new EventFileError(this.file, 'TRUNCATED', body, `${bytesInPacket} bytes of packet events`, `${this.fileEnd - body} bytes`);
    }
    this.polarity = type === POLARITY_EVENT;
    if (this.polarity && size !== 8) throw new EventFileError(this.file, 'CORRUPT', pos + 4, 'eventSize 8 for polarity events', `${size}`);
    this.remaining = bytesInPacket;
    this.bodyAt = body;
    this.high = overflow * 2147483648;
    this.valid = number;
  }

  /** One 8-byte polarity event at b[o]; only the first eventNumber events of a packet count. */
  private event(b: Uint8Array, o: number, out: EventBuilder): void {
    const at = this.bodyAt;
    this.bodyAt += 8;
    this.remaining -= 8;
    if (this.valid === 0) return;
    this.valid--;
    const data = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
    if ((data & 1) === 0) return; // invalidated event
    const ts = this.high + (b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24));
    if (ts < this.last) throw new EventFileError(this.file, 'NON_MONOTONIC', at + 4, `a timestamp >= ${this.last} us`, `${ts} us`);
    const y = (data >>> 2) & 0x7fff;
    const x = (data >>> 17) & 0x7fff;
    if (x >= this.width || y >= this.height) throw new EventFileError(this.file, 'OUT_OF_RANGE', at, `x < ${this.width} and y < ${this.height} (${this.sensor.name})`, `x=${x} y=${y}`);
    out.push(x, y, (data >>> 1) & 1, ts);
    this.last = ts;
  }

  finish(): void {
    if (this.headFill > 0) throw new EventFileError(this.file, 'TRUNCATED', this.headAt, `a ${PACKET_HEADER}-byte packet header`, `${this.headFill} bytes`);
    if (this.remaining > 0) throw new EventFileError(this.file, 'TRUNCATED', this.bodyAt, `${this.remaining} more bytes of packet events`);
  }
}

export interface GestureLabel {
  label: number;
  startUs: number;
  endUs: number;
}

/**
 * DVS128 Gesture `userXX_<lighting>_labels.csv`: `class,startTime_usec,endTime_usec` rows. Classes
 * are 1..11 in the file; returned as given (callers subtract 1 for 0-based training labels).
 */
export function parseGestureLabels(text: string, file: string): GestureLabel[] {
  const rows = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (rows.length === 0 || !/^class\s*,/i.test(rows[0])) {
    throw new EventFileError(file, 'BAD_HEADER', 0, 'a "class,startTime_usec,endTime_usec" header row');
  }
  const out: GestureLabel[] = [];
  let offset = text.indexOf('\n') + 1;
  for (let i = 1; i < rows.length; i++) {
    const parts = rows[i].split(',').map((s) => s.trim());
    const [label, start, end] = parts.map(Number);
    if (parts.length !== 3 || !Number.isInteger(label) || !Number.isFinite(start) || !Number.isFinite(end) || end < start) {
      throw new EventFileError(file, 'CORRUPT', offset, 'a row "class,start,end" with integers and end >= start', JSON.stringify(rows[i]));
    }
    out.push({ label, startUs: start, endUs: end });
    offset += rows[i].length + 1;
  }
  return out;
}

/** Cut a recording into labelled samples, events with startUs <= t < endUs (Tonic's DVSGesture rule). */
export function sliceByLabels(ev: EventStream, labels: GestureLabel[]): Array<{ label: number; events: EventStream }> {
  return labels.map((l) => {
    const a = lowerBound(ev.t, l.startUs);
    const b = lowerBound(ev.t, l.endUs);
    return { label: l.label, events: sliceEvents(ev, a, b) };
  });
}

