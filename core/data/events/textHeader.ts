/**
 * Text headers in front of binary event data: jAER/cAER AEDAT (`#` lines) and Prophesee (`%` lines).
 * Both are "lines that start with a marker byte"; the binary part starts at the first line that
 * does not. Lines end in LF (some writers use CRLF; the CR is stripped).
 */
export interface TextHeader {
  lines: string[];
  /** Byte offset of the first byte after the header. */
  end: number;
}

/**
 * Read `marker`-prefixed lines from the start of `bytes`. `stopLine`, when given, ends the header
 * after that line even if the next byte is the marker (AEDAT 3.1 `#!END-HEADER`; Prophesee `% end`),
 * because binary data may itself begin with the marker byte.
 */
export function readTextHeader(bytes: Uint8Array, marker: number, stopLine?: (line: string) => boolean, maxBytes = 1 << 22): TextHeader {
  // Find where the header ends by scanning bytes only, then decode it once: headers of jAER files
  // run to 2000+ lines and per-line string building dominated small-file parse times.
  const n = Math.min(bytes.length, maxBytes);
  const lineEnds: number[] = [];
  let pos = 0;
  while (pos < n && bytes[pos] === marker) {
    let e = bytes.indexOf(0x0a, pos);
    if (e < 0) e = bytes.length;
    // Binary data can begin with the marker byte; a real header line is text, so a line holding
    // control bytes (NUL etc.) is the start of the data, not more header.
    if (hasControlBytes(bytes, pos, e)) break;
    lineEnds.push(e);
    pos = e + 1;
    if (stopLine && stopLine(decodeLine(bytes, lineEnds.length > 1 ? lineEnds[lineEnds.length - 2] + 1 : 0, e))) break;
  }
  const end = Math.min(pos, bytes.length);
  if (lineEnds.length === 0) return { lines: [], end: 0 };
  const text = latin1.decode(bytes.subarray(0, Math.min(lineEnds[lineEnds.length - 1], bytes.length)));
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  return { lines, end };
}

const latin1 = new TextDecoder('latin1');

function hasControlBytes(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c < 0x20 && c !== 0x09 && c !== 0x0d) return true;
  }
  return false;
}

function decodeLine(b: Uint8Array, s: number, e: number): string {
  const line = latin1.decode(b.subarray(s, e));
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export function startsWithAscii(bytes: Uint8Array, text: string, at = 0): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}
