/**
 * The web host of the UI bench, in a process of its own, as the app runs it (Electron main or
 * `spikelab serve`): the bench's own Playwright client and its CDP traffic then cannot show up as
 * host stalls. Driven over IPC by bench/ui.ts; measures its own event-loop delay, forces GCs and
 * reports heap on request. `--cpu-prof` in SPIKELAB_UI_HOST_PROFILE=DIR writes a CPU profile there.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { TrainRequest } from '../core/api/contract';
import { startWebHost, type WebHost } from '../host/web/server';

export type HostRequest =
  | { id: number; cmd: 'start'; workspace: string; rendererDir: string }
  | { id: number; cmd: 'startRun'; request: TrainRequest }
  | { id: number; cmd: 'measure' }
  | { id: number; cmd: 'heap' }
  | { id: number; cmd: 'report' }
  | { id: number; cmd: 'lastBatchSamplesPerSecond'; runId: string }
  | { id: number; cmd: 'stop'; runId: string | null };

export interface HostLoopReport {
  maxMs: number;
  p99Ms: number;
  over50Share: number;
  utilization: number;
  /** The longest delays seen, with when (ms since measure) they ended: to line up with logs and profiles. */
  worst: { atMs: number; ms: number }[];
}

export type HostReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Percent of the delay samples above `ms` (the histogram's percentiles, searched). */
export function shareOver(h: { percentile(p: number): number }, ms: number): number {
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (h.percentile(mid) / 1e6 > ms) hi = mid;
    else lo = mid;
  }
  return 100 - hi;
}

let host: WebHost | null = null;
const loop = monitorEventLoopDelay({ resolution: 10 });
let elu0: EventLoopUtilization | null = null;
let t0 = 0;
// A 5 ms ticker beside the histogram: it knows *when* a stall happened, the histogram only how long.
const worst: { atMs: number; ms: number }[] = [];
let ticker: ReturnType<typeof setInterval> | null = null;
let lastTick = 0;

function startTicker(): void {
  lastTick = performance.now();
  ticker = setInterval(() => {
    const now = performance.now();
    const late = now - lastTick - 5;
    lastTick = now;
    if (late > 20) {
      worst.push({ atMs: Math.round(now - t0), ms: Math.round(late) });
      worst.sort((a, b) => b.ms - a.ms);
      worst.length = Math.min(worst.length, 10);
    }
  }, 5);
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('uiHost needs --expose-gc');
  // The forced collection is the bench's, not the app's: the delay monitors pause around it.
  loop.disable();
  g();
  loop.enable();
  lastTick = performance.now();
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'start':
      host = await startWebHost({ port: 0, workspace: req.workspace, rendererDir: req.rendererDir });
      return host.url;
    case 'startRun':
      return (await need().service.startRun(req.request)).id;
    case 'measure':
      loop.reset();
      loop.enable();
      elu0 = performance.eventLoopUtilization();
      t0 = performance.now();
      startTicker();
      return null;
    case 'heap':
      gc();
      return process.memoryUsage().heapUsed / 2 ** 20;
    case 'report': {
      loop.disable();
      if (ticker) clearInterval(ticker);
      const r: HostLoopReport = {
        maxMs: loop.max / 1e6,
        p99Ms: loop.percentile(99) / 1e6,
        over50Share: shareOver(loop, 50),
        utilization: elu0 ? performance.eventLoopUtilization(elu0).utilization * 100 : 0,
        worst: [...worst],
      };
      return r;
    }
    case 'lastBatchSamplesPerSecond': {
      const detail = await need().service.getRun(req.runId);
      return [...detail.metrics].reverse().find((m) => m.kind === 'batch')?.samplesPerSecond ?? 0;
    }
    case 'stop':
      if (req.runId) await need().service.stopRun(req.runId).catch(() => undefined);
      await need().close();
      host = null;
      return null;
  }
}

function need(): WebHost {
  if (!host) throw new Error('uiHost: not started');
  return host;
}

if (require.main === module) {
  if (!process.send) throw new Error('uiHost runs as a forked child of bench/ui.ts');
  process.on('message', (req: HostRequest) => {
    handle(req).then(
      (value) => process.send?.({ id: req.id, ok: true, value } satisfies HostReply),
      (e: unknown) => process.send?.({ id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies HostReply),
    );
  });
  // The parent going away ends the host too: no orphaned server or training worker.
  process.on('disconnect', () => {
    void (host?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}
