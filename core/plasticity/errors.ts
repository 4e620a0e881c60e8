/** Typed error for the plasticity rules: a bad parameter or input names itself in `code`. */
export type PlasticityErrorCode = 'BAD_PARAMETER' | 'BAD_INPUT' | 'NO_DATA';

export class PlasticityError extends Error {
  readonly code: PlasticityErrorCode;
  constructor(code: PlasticityErrorCode, message: string) {
    super(message);
    this.name = 'PlasticityError';
    this.code = code;
  }
}

/** Throws BAD_PARAMETER unless `value` is finite and strictly positive. */
export function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new PlasticityError('BAD_PARAMETER', `Expected a positive finite number for ${name} but received ${value}`);
}

/** Throws BAD_PARAMETER unless `value` is finite and non-negative. */
export function requireNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new PlasticityError('BAD_PARAMETER', `Expected a non-negative finite number for ${name} but received ${value}`);
}
