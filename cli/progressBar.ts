/**
 * Training progress on stderr. On a terminal one line is redrawn at most ~10 times a second; piped,
 * only epoch summaries are printed so logs stay readable.
 */
import type { MetricRecord, RunProgress } from '../core/api/contract';

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly out: ProgressSink, private readonly epochs: number, private readonly width = 28) {}

  progress(p: RunProgress, now = Date.now()): void {
    if (!this.out.isTTY || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.out.write(`\r${renderProgress(p, this.epochs, this.width)}\x1b[K`);
    this.drawn = true;
  }

  epoch(m: MetricRecord): void {
    this.clear();
    const acc = m.testAccuracy === null ? '' : `  test ${(m.testAccuracy * 100).toFixed(2)}%`;
    const train = m.trainAccuracy === null ? '' : `  train ${(m.trainAccuracy * 100).toFixed(2)}%`;
    this.out.write(`epoch ${m.epoch + 1}/${this.epochs}  loss ${m.loss.toFixed(4)}${train}${acc}\n`);
  }

  line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }

  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

export function renderProgress(p: RunProgress, epochs: number, width: number): string {
  const frac = Math.min(1, Math.max(0, (p.step + 1) / Math.max(1, p.stepsPerEpoch)));
  const filled = Math.round(frac * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const eta = p.etaSeconds === null ? '' : `  ETA ${formatSeconds(p.etaSeconds)}`;
  return `epoch ${p.epoch + 1}/${epochs} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}%  ${Math.round(p.samplesPerSecond)} samples/s${eta}`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
