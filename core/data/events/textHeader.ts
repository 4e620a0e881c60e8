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
  const lines: string[] = [];
  let pos = 0;
  const n = Math.min(bytes.length, maxBytes);
  while (pos < n && bytes[pos] === marker) {
    let e = pos;
    while (e < bytes.length && bytes[e] !== 0x0a) e++;
    if (e >= bytes.length) {
      // Header line runs to the end of the file: no binary part at all.
      lines.push(latin1(bytes, pos, e));
      return { lines, end: bytes.length };
    }
    const line = latin1(bytes, pos, e > pos && bytes[e - 1] === 0x0d ? e - 1 : e);
    lines.push(line);
    pos = e + 1;
    if (stopLine && stopLine(line)) break;
  }
  return { lines, end: pos };
}

function latin1(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i += 4096) out += String.fromCharCode(...b.subarray(i, Math.min(e, i + 4096)));
  return out;
}

export function startsWithAscii(bytes: Uint8Array, text: string, at = 0): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}
