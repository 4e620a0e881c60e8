/** `spikelab serve`: the web host, headless, until Ctrl-C (active runs checkpoint on the way out). */
import { spawn } from 'node:child_process';
import { startWebHost } from '../../host/web/server';
import { createLabService } from '../../core/lab/service';
import { UsageError, parseArgs } from '../args';
import type { CliIo } from '../io';

export const SERVE_FLAGS = { port: 'int', host: 'string', workspace: 'string', open: 'boolean' } as const;

export async function serveCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, flags } = parseArgs(argv, SERVE_FLAGS, 'serve');
  if (positionals.length) throw new UsageError(`serve: unexpected argument ${JSON.stringify(positionals[0])}`);
  if (flags.port !== undefined && (flags.port < 0 || flags.port > 65535)) throw new UsageError(`serve: --port must be in 0..65535, got ${flags.port}`);
  const service = createLabService({ ...io.serviceDefaults, workspace: flags.workspace ?? io.serviceDefaults?.workspace, env: io.env, host: 'web' });
  const host = await startWebHost({ port: flags.port ?? 7777, host: flags.host, service }).catch(async (err: unknown) => {
    await service.close();
    throw err;
  });
  io.stdout.write(`SpikeLab web host at ${host.url} (workspace ${service.workspace.root})\n`);
  if (flags.open) openInBrowser(host.url, io);
  await new Promise<void>((resolve) => {
    const off = io.onInterrupt(() => {
      off();
      resolve();
    });
  });
  io.stderr.write('shutting down: checkpointing active runs\n');
  await host.close();
  await service.close();
  return 0;
}

export function openInBrowser(url: string, io: CliIo): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => io.stderr.write(`could not run ${cmd}; open ${url} yourself\n`));
    child.unref();
  } catch {
    io.stderr.write(`could not run ${cmd}; open ${url} yourself\n`);
  }
}
