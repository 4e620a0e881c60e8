/**
 * Argument checks for the native kernels (sharp style: every check in TypeScript, messages say what
 * was expected and what was received). The C++ side trusts these, so they must cover every index
 * the kernels touch.
 */
import { KernelArgumentError } from './errors';

export function checkCount(kernel: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new KernelArgumentError(`${kernel}: expected ${name} to be a non-negative integer but received ${value}`);
  }
  if (value > 0x7fffffff) {
    throw new KernelArgumentError(`${kernel}: expected ${name} to be below 2^31 but received ${value}`);
  }
}

export function checkPositive(kernel: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new KernelArgumentError(`${kernel}: expected ${name} to be a positive integer but received ${value}`);
  }
}

export function checkFinite(kernel: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new KernelArgumentError(`${kernel}: expected ${name} to be a finite number but received ${String(value)}`);
  }
}

/** `buf` must be a Float32Array holding `needed` floats from `offset` on. */
export function checkBuffer(kernel: string, name: string, buf: unknown, needed: number, offset = 0): void {
  if (!(buf instanceof Float32Array)) {
    throw new KernelArgumentError(`${kernel}: expected ${name} to be a Float32Array but received ${describe(buf)}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new KernelArgumentError(`${kernel}: expected the offset of ${name} to be a non-negative integer but received ${offset}`);
  }
  if (buf.length - offset < needed) {
    throw new KernelArgumentError(
      `${kernel}: expected ${name} to hold at least ${needed} floats after offset ${offset} but received ${buf.length}`,
    );
  }
}

/** Same as checkBuffer, for optional inputs where null means zero. */
export function checkOptionalBuffer(kernel: string, name: string, buf: unknown, needed: number): void {
  if (buf !== null) checkBuffer(kernel, name, buf, needed);
}

/**
 * An output slice written by native code must not overlap an input slice it is computed from (the
 * kernels read inputs while writing outputs; the result would depend on the loop order).
 */
export function checkDisjoint(
  kernel: string,
  outName: string,
  out: Float32Array,
  outOffset: number,
  outCount: number,
  inName: string,
  input: Float32Array | null,
  inOffset: number,
  inCount: number,
): void {
  if (input === null || out.buffer !== input.buffer || outCount === 0 || inCount === 0) return;
  const o0 = out.byteOffset + outOffset * 4;
  const i0 = input.byteOffset + inOffset * 4;
  if (o0 < i0 + inCount * 4 && i0 < o0 + outCount * 4) {
    throw new KernelArgumentError(`${kernel}: expected ${outName} and ${inName} to be separate memory but they overlap`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v;
}
