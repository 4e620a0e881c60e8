/** 16-bit sequence numbers compared with serial-number arithmetic (RFC 1982), so they may wrap. */
export function seqDiff(a: number, b: number): number {
  return ((((a - b) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}
export function seqAdd(a: number, n: number): number {
  return (a + n) & 0xffff;
}
