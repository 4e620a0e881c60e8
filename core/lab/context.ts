/** What the lab service hands its domain services (core/lab/<domain>/service.ts). */
import type { RunEvent, RunSummary } from '../api/contract';
import type { RunStore } from './runStore';
import type { Workspace } from './workspace';

export interface LabContext {
  workspace: Workspace;
  store: RunStore;
  /** Pushes an event to every subscriber (both transports). */
  emit(event: RunEvent): void;
  /** The run's current summary; throws NOT_FOUND for an unknown run. */
  summary(runId: string): RunSummary;
}
