/**
 * Argument checks shared by the domain handler tables (core/lab/<domain>/handlers.ts): each names
 * the method and argument, and the value received, in a BAD_REQUEST.
 */
import { ApiError } from '../api/contract';
import type { CallMethod } from '../api/wsProtocol';

export type Handler = (api: import('../api/contract').SpikeLabApi, args: unknown[]) => Promise<unknown>;

export function bad(message: string): ApiError {
  return new ApiError('BAD_REQUEST', message);
}

export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

export function arity(method: CallMethod, args: unknown[], n: number): void {
  if (args.length !== n) throw bad(`${method} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

export function argString(method: CallMethod, name: string, v: unknown, opts: { maxLength?: number } = {}): string {
  const max = opts.maxLength ?? 4096;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw bad(`${method}: ${name} must be a non-empty string of at most ${max} characters, got ${show(v)}`);
  if (v.includes('\0')) throw bad(`${method}: ${name} must not contain NUL characters`);
  return v;
}

export function argNullableString(method: CallMethod, name: string, v: unknown): string | null {
  return v === null ? null : argString(method, name, v);
}

export function argInt(method: CallMethod, name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(`${method}: ${name} must be an integer in [${min}, ${max}], got ${show(v)}`);
  return v;
}

export function argObject(method: CallMethod, name: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${method}: ${name} must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}
