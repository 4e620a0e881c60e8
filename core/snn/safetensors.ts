/**
 * safetensors (Hugging Face format spec): 8-byte little-endian header length N, then N bytes of
 * JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}, then
 * the raw little-endian tensor bytes. We write and read F32 only; the reader checks every field,
 * offset and size so a truncated or foreign file fails with a message naming the problem.
 */

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export class SafetensorsError extends Error {
  readonly code = 'SAFETENSORS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

const MAX_HEADER = 100 * 1024 * 1024;

export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw new SafetensorsError(`duplicate tensor name "${t.name}"`);
    seen.add(t.name);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new SafetensorsError(`tensor "${t.name}" has ${t.data.length} values but shape [${t.shape.join(', ')}] needs ${count}`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned (allowed by the spec, helps mmap readers).
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) view.setFloat32(pos + 4 * i, t.data[i], true);
    pos += 4 * t.data.length;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(Math.min(MAX_HEADER, bytes.length - 8)))
    throw new SafetensorsError(`header length ${n64} exceeds the ${bytes.length - 8} bytes after it`);
  const n = Number(n64);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  const ranges: Array<[number, number, string]> = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || !Object.values(entry).every((v) => typeof v === 'string'))
        throw new SafetensorsError('__metadata__ must map strings to strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    if (typeof entry !== 'object' || entry === null) throw new SafetensorsError(`tensor "${name}": entry is not an object`);
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e.dtype !== 'F32') throw new SafetensorsError(`tensor "${name}": dtype ${JSON.stringify(e.dtype)} is not supported (only F32)`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new SafetensorsError(`tensor "${name}": shape must be an array of non-negative integers`);
    const shape = e.shape as number[];
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isInteger(d) && d >= 0))
      throw new SafetensorsError(`tensor "${name}": data_offsets must be two non-negative integers`);
    const [begin, end] = offs as [number, number];
    const count = shape.reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== 4 * count)
      throw new SafetensorsError(`tensor "${name}": data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${shape.join(', ')}] needs ${4 * count}`);
    if (end > dataLen) throw new SafetensorsError(`tensor "${name}": data ends at ${end} but the file has ${dataLen} data bytes (truncated?)`);
    ranges.push([begin, end, name]);
    const data = new Float32Array(count);
    const base = dataStart + begin;
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(base + 4 * i, true);
    tensors.set(name, { name, shape, data });
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++)
    if (ranges[i][0] < ranges[i - 1][1]) throw new SafetensorsError(`tensors "${ranges[i - 1][2]}" and "${ranges[i][2]}" overlap`);
  return { tensors, metadata };
}
