/**
 * A small argument parser: `--name value`, `--name=value`, boolean flags, `--` ends flags.
 * Declared flags only; anything else is a UsageError so typos never pass silently. A 'list' flag
 * may repeat (`--option a=1 --option b=2`) and collects its values in order.
 */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagType = 'string' | 'int' | 'number' | 'boolean' | 'list';
export type FlagSpec = Readonly<Record<string, FlagType>>;
export type FlagValues<S extends FlagSpec> = {
  [K in keyof S]?: S[K] extends 'boolean' ? boolean : S[K] extends 'string' ? string : S[K] extends 'list' ? string[] : number;
};

export interface Parsed<S extends FlagSpec> {
  positionals: string[];
  flags: FlagValues<S>;
}

export function parseArgs<S extends FlagSpec>(argv: readonly string[], spec: S, command: string): Parsed<S> {
  const positionals: string[] = [];
  const flags: Record<string, string | number | boolean | string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) throw new UsageError(`${command}: unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const type = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!type) throw new UsageError(`${command}: unknown option --${name}`);
    if (name in flags && type !== 'list') throw new UsageError(`${command}: --${name} given twice`);
    if (type === 'boolean') {
      if (eq >= 0) throw new UsageError(`${command}: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${command}: --${name} needs a value`);
      raw = argv[++i];
    }
    if (type === 'list') {
      if (raw === '') throw new UsageError(`${command}: --${name} needs a non-empty value`);
      flags[name] = [...((flags[name] as string[] | undefined) ?? []), raw];
    } else flags[name] = convert(command, name, type, raw);
  }
  return { positionals, flags: flags as FlagValues<S> };
}

function convert(command: string, name: string, type: Exclude<FlagType, 'list'>, raw: string): string | number {
  if (type === 'string') {
    if (raw === '') throw new UsageError(`${command}: --${name} needs a non-empty value`);
    return raw;
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${command}: --${name} must be a number, got ${JSON.stringify(raw)}`);
  if (type === 'int' && !Number.isInteger(n)) throw new UsageError(`${command}: --${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}
