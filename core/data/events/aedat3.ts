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
 */
import { readTextHeader, startsWithAscii } from './textHeader';
import { EventBuilder, EventFileError, makeRecording, lowerBound, sliceEvents, type EventRecording, type EventStream } from './types';

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

export function parseAedat3(bytes: Uint8Array, file: string): EventRecording {
  if (bytes.length === 0) throw new EventFileError(file, 'EMPTY', 0, 'the "#!AER-DAT3.1" header');
  if (!startsWithAscii(bytes, '#!AER-DAT3.')) throw new EventFileError(file, 'BAD_MAGIC', 0, '"#!AER-DAT3.1"');
  const header = readTextHeader(bytes, 0x23, (l) => l.startsWith('#!END-HEADER'));
  if (!header.lines.some((l) => l.startsWith('#!END-HEADER'))) {
    throw new EventFileError(file, 'BAD_HEADER', header.end, 'a "#!END-HEADER" line closing the header');
  }
  const sensor = aedat3Sensor(header.lines);
  const W = sensor.width, H = sensor.height;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new EventBuilder(Math.max(16, (bytes.length - header.end) >> 3));
  let pos = header.end;
  let last = -Infinity;
  while (pos < bytes.length) {
    if (pos + PACKET_HEADER > bytes.length) {
      throw new EventFileError(file, 'TRUNCATED', pos, `a ${PACKET_HEADER}-byte packet header`, `${bytes.length - pos} bytes`);
    }
    const type = view.getInt16(pos, true);
    const size = view.getInt32(pos + 4, true);
    const overflow = view.getInt32(pos + 12, true);
    const capacity = view.getInt32(pos + 16, true);
    const number = view.getInt32(pos + 20, true);
    if (type < 0 || type > MAX_KNOWN_TYPE) {
      throw new EventFileError(file, 'UNKNOWN_PACKET', pos, `a cAER event type 0..${MAX_KNOWN_TYPE}`, `type ${type}`);
    }
    if (size <= 0 || capacity < 0 || number < 0 || number > capacity || overflow < 0) {
      throw new EventFileError(file, 'CORRUPT', pos, 'eventSize > 0 and 0 <= eventNumber <= eventCapacity', `size ${size}, number ${number}, capacity ${capacity}`);
    }
    const body = pos + PACKET_HEADER;
    const bytesInPacket = size * capacity;
    if (body + bytesInPacket > bytes.length) {
      throw new EventFileError(file, 'TRUNCATED', body, `${bytesInPacket} bytes of packet events`, `${bytes.length - body} bytes`);
    }
    if (type === POLARITY_EVENT) {
      if (size !== 8) throw new EventFileError(file, 'CORRUPT', pos + 4, 'eventSize 8 for polarity events', `${size}`);
      out.reserve(number);
      const high = overflow * 2147483648;
      for (let i = 0; i < number; i++) {
        const o = body + i * 8;
        const data = view.getUint32(o, true);
        if ((data & 1) === 0) continue; // invalidated event
        const ts = high + view.getInt32(o + 4, true);
        if (ts < last) throw new EventFileError(file, 'NON_MONOTONIC', o + 4, `a timestamp >= ${last} us`, `${ts} us`);
        const y = (data >>> 2) & 0x7fff;
        const x = (data >>> 17) & 0x7fff;
        if (x >= W || y >= H) throw new EventFileError(file, 'OUT_OF_RANGE', o, `x < ${W} and y < ${H} (${sensor.name})`, `x=${x} y=${y}`);
        out.push(x, y, (data >>> 1) & 1, ts);
        last = ts;
      }
    }
    pos = body + bytesInPacket;
  }
  return makeRecording(out.finish(W, H), out.n, 'aedat3', sensor.name);
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

