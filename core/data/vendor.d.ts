// Minimal types for lz4js (ships none). Only the frame decoder is used (core/data/events/compression.ts).
declare module 'lz4js' {
  /** Decompress a whole LZ4 frame into dst; returns the number of bytes written. */
  export function decompressFrame(src: Uint8Array, dst: Uint8Array): number;
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}
