/** `spikelab runs list [--json]`. */
import type { RunSummary } from '../../core/api/contract';
import { createLabService } from '../../core/lab/service';
import { UsageError, parseArgs } from '../args';
import type { CliIo } from '../io';
import { followRun } from './train';

export async function runsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'resume') return resumeCommand(rest, io);
  if (sub !== 'list') throw new UsageError(sub ? `runs: unknown subcommand ${JSON.stringify(sub)} (expected: list, resume)` : 'runs: expected a subcommand (list, resume)');
  const { positionals, flags } = parseArgs(rest, { json: 'boolean', workspace: 'string' } as const, 'runs list');
  if (positionals.length) throw new UsageError(`runs list: unexpected argument ${JSON.stringify(positionals[0])}`);
  // Safe while a `serve` process trains in the same workspace: the service leaves runs of live owners alone.
  const service = createLabService({ ...io.serviceDefaults, workspace: flags.workspace ?? io.serviceDefaults?.workspace, env: io.env, host: 'web' });
  try {
    const runs = await service.listRuns();
    io.stdout.write(flags.json ? `${JSON.stringify(runs)}\n` : formatRuns(runs));
    return 0;
  } finally {
    await service.close();
  }
}

/** `spikelab runs resume <id>`: continue a stopped or interrupted run from its last checkpoint. */
async function resumeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { json: 'boolean', workspace: 'string' } as const, 'runs resume');
  if (positionals.length !== 1) throw new UsageError('runs resume: expected one run id');
  const service = createLabService({ ...io.serviceDefaults, workspace: flags.workspace ?? io.serviceDefaults?.workspace, env: io.env, host: 'web' });
  try {
    return await followRun(service, () => service.resumeRun(positionals[0]), io, flags.json === true);
  } finally {
    await service.close();
  }
}

export function formatRuns(runs: RunSummary[]): string {
  if (runs.length === 0) return 'no runs\n';
  const rows = runs.map((r) => [r.id, r.status, `${r.epochsDone}/${r.epochs}`, r.bestTestAccuracy === null ? '-' : `${(r.bestTestAccuracy * 100).toFixed(2)}%`, r.name]);
  const head = ['ID', 'STATUS', 'EPOCHS', 'BEST', 'NAME'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cols: string[]): string => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return `${[fmt(head), ...rows.map(fmt)].join('\n')}\n`;
}
