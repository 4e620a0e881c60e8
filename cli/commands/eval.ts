/** `spikelab eval <run-id> --data FOLDER [--labels CSV] [--json]`: accuracy of a run's final weights. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError } from '../../core/api/contract';
import { createLabService } from '../../core/lab/service';
import { evaluateOnEvents } from '../../core/train/eventEval';
import { UsageError, parseArgs } from '../args';
import type { CliIo } from '../io';

const EVAL_FLAGS = { data: 'string', labels: 'string', workspace: 'string', 'batch-size': 'int', json: 'boolean' } as const;

export async function evalCommand(argv: readonly string[], io: CliIo, cwd = process.cwd()): Promise<number> {
  const { positionals, flags } = parseArgs(argv, EVAL_FLAGS, 'eval');
  if (positionals.length !== 1) throw new UsageError(`eval: expected one run id, got ${positionals.length} arguments`);
  if (flags.data === undefined) throw new UsageError('eval: --data FOLDER is required');
  if (flags['batch-size'] !== undefined && flags['batch-size'] <= 0) throw new UsageError('eval: --batch-size must be positive');
  const runId = positionals[0];
  const service = createLabService({ ...io.serviceDefaults, workspace: flags.workspace ?? io.serviceDefaults?.workspace, env: io.env, host: 'web' });
  try {
    // getRun validates the id and reports NOT_FOUND the same way the rest of the CLI does.
    const { config } = await service.getRun(runId);
    const file = join(service.store.runDir(runId), 'weights', 'final.safetensors');
    if (!existsSync(file)) throw new ApiError('CONFLICT', `run ${runId} has no final weights (${file}); only completed runs can be evaluated`);
    const data = { path: resolve(cwd, flags.data), labels: flags.labels === undefined ? null : resolve(cwd, flags.labels) };
    const t0 = Date.now();
    const r = await evaluateOnEvents(config, new Uint8Array(readFileSync(file)), data, { batchSize: flags['batch-size'] });
    const seconds = (Date.now() - t0) / 1000;
    if (flags.json) io.stdout.write(`${JSON.stringify({ runId, accuracy: r.accuracy, samples: r.samples })}\n`);
    else io.stdout.write(`run ${runId}: accuracy ${(r.accuracy * 100).toFixed(2)}% on ${r.samples} samples of ${data.path} (${seconds.toFixed(1)} s)\n`);
    return 0;
  } finally {
    await service.close();
  }
}
