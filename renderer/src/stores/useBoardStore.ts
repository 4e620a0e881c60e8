/**
 * Board view state: the port list, the link, the chosen run's capability check, the upload and
 * the last sample run. The serial link itself lives in the lab service; this store only calls the
 * board domain of the API and follows its `board` events (upload progress, link loss).
 *
 * State: `ports`, `state` (BoardState), `port` (chosen path), `runId`, `check`, `progress` (latest
 * upload/verify/commit event), `upload` (result), `sample`, `result` (last run, not deep-reactive:
 * it carries the raster), `busy` (the operation in flight), `linkEvent` (last link message).
 * Actions: `start()` (subscribe, load ports and state), `refreshPorts`, `connect`, `disconnect`,
 * `runCheck`, `uploadRun`, `runSample`.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { EMULATOR_PORT, type BoardCheck, type BoardPort, type BoardProgress, type BoardRunResult, type BoardState, type BoardUploadResult } from '../../../core/api/contract';
import { useApi } from '../api';
import { useRunsStore } from './useRunsStore';
import { useToastStore } from './useToastStore';

type Busy = 'ports' | 'connect' | 'disconnect' | 'check' | 'upload' | 'run' | null;

const EMPTY_STATE: BoardState = { connected: false, port: null, capabilities: null, committedRunId: null, lastError: null };

export const useBoardStore = defineStore('board', () => {
  const ports = ref<BoardPort[]>([]);
  const state = ref<BoardState>(EMPTY_STATE);
  const port = ref<string>(EMULATOR_PORT);
  const runId = ref<string | null>(null);
  const check = shallowRef<BoardCheck | null>(null);
  const progress = shallowRef<BoardProgress | null>(null);
  const upload = shallowRef<BoardUploadResult | null>(null);
  const sample = ref(0);
  const result = shallowRef<BoardRunResult | null>(null);
  const busy = ref<Busy>(null);
  const linkEvent = ref<string | null>(null);
  let unsubscribe: (() => void) | null = null;

  const runs = useRunsStore();
  /** Runs with final weights: only completed runs can go to a board. */
  const finishedRuns = computed(() => runs.runs.filter((r) => r.status === 'completed'));
  const uploadFraction = computed(() => {
    const p = progress.value;
    if (!p || p.phase === 'connect' || p.phase === 'run' || p.phase === 'link') return 0;
    if (p.phase === 'verify' || p.phase === 'commit') return 1;
    return p.total > 0 ? p.done / p.total : 0;
  });

  async function guarded<T>(what: Exclude<Busy, null>, title: string, f: () => Promise<T>): Promise<T | null> {
    if (busy.value) return null;
    busy.value = what;
    try {
      return await f();
    } catch (err) {
      useToastStore().error(err, title);
      // A failed operation may have been a lost link: show what the service now says.
      state.value = await useApi().getBoardState().catch(() => state.value);
      return null;
    } finally {
      busy.value = null;
    }
  }

  function start(): void {
    if (!unsubscribe)
      unsubscribe = useApi().onRunEvent((e) => {
        if (e.type !== 'board') return;
        if (e.phase === 'link') {
          linkEvent.value = e.message;
          void useApi().getBoardState().then((s) => (state.value = s), () => {});
        } else if (e.phase !== 'run' && e.phase !== 'connect') progress.value = markRaw({ ...e });
      });
    void refreshPorts();
    void useApi().getBoardState().then((s) => (state.value = s), (err: unknown) => useToastStore().error(err, 'Cannot read the board state'));
    if (runs.runs.length === 0) void runs.refresh();
  }

  function stop(): void {
    unsubscribe?.();
    unsubscribe = null;
  }

  async function refreshPorts(): Promise<void> {
    const list = await guarded('ports', 'Cannot list serial ports', () => useApi().listBoardPorts());
    if (list) {
      ports.value = list;
      if (!list.some((p) => p.path === port.value)) port.value = list[0]?.path ?? EMULATOR_PORT;
    }
  }

  async function connect(): Promise<void> {
    const s = await guarded('connect', `Cannot connect to ${port.value}`, () => useApi().connectBoard(port.value));
    if (s) {
      state.value = s;
      linkEvent.value = null;
      upload.value = null;
      result.value = null;
      progress.value = null;
    }
  }

  async function disconnect(): Promise<void> {
    const s = await guarded('disconnect', 'Cannot disconnect', () => useApi().disconnectBoard());
    if (s) {
      state.value = s;
      result.value = null;
    }
  }

  function chooseRun(id: string | null): void {
    runId.value = id;
    check.value = null;
    upload.value = null;
    result.value = null;
    progress.value = null;
  }

  async function runCheck(): Promise<void> {
    const id = runId.value;
    if (!id) return;
    const c = await guarded('check', 'Capability check failed', () => useApi().checkBoardModel(id));
    if (c) check.value = markRaw(c);
  }

  async function uploadRun(): Promise<void> {
    const id = runId.value;
    if (!id) return;
    upload.value = null;
    progress.value = null;
    const u = await guarded('upload', 'Upload failed', () => useApi().uploadToBoard(id));
    if (u) upload.value = markRaw(u);
    state.value = await useApi().getBoardState().catch(() => state.value);
  }

  async function runSample(): Promise<void> {
    const id = runId.value;
    if (!id) return;
    const n = sample.value;
    const r = await guarded('run', `Sample ${n} failed on the board`, () => useApi().runOnBoard(id, n));
    if (r) result.value = markRaw(r);
  }

  return {
    ports, state, port, runId, check, progress, upload, sample, result, busy, linkEvent, finishedRuns, uploadFraction,
    start, stop, refreshPorts, connect, disconnect, chooseRun, runCheck, uploadRun, runSample,
  };
});
