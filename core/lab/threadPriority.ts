/**
 * Training and task workers run below the thread that serves the UI. On a machine with few cores a
 * training run keeps every core busy (its worker thread plus the kernels' pool and BLAS threads);
 * at equal priority the host's event loop then waits for a time slice behind them, and the UI
 * stalls for tens of ms at a time. A niced worker yields the core as soon as the host has work, and
 * loses nothing while the host is idle.
 *
 * Linux only: there the nice value belongs to the thread (setpriority(PRIO_PROCESS, 0) changes the
 * calling thread, and threads it starts afterwards inherit it). Elsewhere it would lower the whole
 * process, the UI thread included, so it is left alone.
 */
import { getPriority, setPriority } from 'node:os';

/** Nice value of worker threads: below the UI thread (0), above batch jobs run with `nice -n 19`. */
export const WORKER_NICE = 10;

/** Lowers the calling thread's priority to `nice` (never raises it); true if it now runs at `nice` or lower. Call before starting threads. */
export function lowerThreadPriority(nice = WORKER_NICE, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false;
  try {
    if (getPriority(0) < nice) setPriority(0, nice);
    return getPriority(0) >= nice;
  } catch {
    // A sandbox that forbids setpriority costs responsiveness, not correctness.
    return false;
  }
}
