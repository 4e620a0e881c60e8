/** Errors raised by the native kernel layer. Each carries a stable `code` for callers and the UI. */

export type NativeErrorCode = 'KERNEL_ARGUMENT' | 'NATIVE_LOAD';

export class NativeKernelError extends Error {
  readonly code: NativeErrorCode;

  constructor(code: NativeErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A kernel was called with sizes or values that would read or write outside its buffers. Thrown
 * before the call crosses into C++, where an out-of-bounds access would crash the process.
 */
export class KernelArgumentError extends NativeKernelError {
  constructor(message: string) {
    super('KERNEL_ARGUMENT', message);
  }
}

/** The addon file exists but could not be loaded (wrong ABI, missing libopenblas, ...). */
export class NativeLoadError extends NativeKernelError {
  constructor(message: string) {
    super('NATIVE_LOAD', message);
  }
}
