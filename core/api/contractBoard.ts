/**
 * Contract, board domain: the Board view's access to a neuromorphic board over serial, or to the
 * built-in emulator (port path `emulator:`), through the lab service (serial never in the renderer).
 */

/** The built-in emulator, offered in the port list beside the serial ports. */
export const EMULATOR_PORT = 'emulator:';

export interface BoardPort {
  path: string;
  manufacturer: string | null;
  vendorId: string | null;
  productId: string | null;
  /** VID/PID matches a known board (only a hint: HELLO decides). */
  likelyBoard: boolean;
  emulator: boolean;
}

export interface BoardCapabilitiesInfo {
  protocol: string;
  firmware: string;
  boardId: string;
  cores: number;
  meshX: number;
  meshY: number;
  neuronsPerCore: number;
  fanIn: number;
  /** Weight widths the board takes (8 and/or 16). */
  weightBits: number[];
  membraneBits: number;
  maxLayers: number;
  leakModes: string[];
  resetModes: string[];
  maxFrame: number;
  window: number;
  fifoDepth: number;
  tickUs: number;
  clockHz: number;
}

export interface BoardState {
  connected: boolean;
  port: string | null;
  capabilities: BoardCapabilitiesInfo | null;
  /** Run whose quantised model is committed on the board, if any. */
  committedRunId: string | null;
  /** Last link problem (unplug, heartbeat timeout), cleared on reconnect. */
  lastError: string | null;
}

export interface BoardViolation {
  layer: string | null;
  code: string;
  message: string;
}

export interface BoardCheck {
  runId: string;
  ok: boolean;
  violations: BoardViolation[];
  layers: { name: string; neurons: number; fanIn: number; weightBits: number; scale: number; threshold: number; cores: number }[];
  /** Float vs quantised accuracy on the first `samples` test samples. */
  floatAccuracy: number | null;
  quantisedAccuracy: number | null;
  samples: number;
}

export interface BoardUploadResult {
  runId: string;
  bytes: number;
  wireBytes: number;
  imageCrc: string;
  verified: boolean;
  committed: boolean;
  ms: number;
}

export interface BoardRunResult {
  runId: string;
  sample: number;
  label: number | null;
  predicted: number;
  /** Software (quantised reference) prediction and whether the output spikes matched exactly. */
  softwarePredicted: number;
  matchesSoftware: boolean;
  counts: number[];
  softwareCounts: number[];
  /** Output raster: (tick, neuron) pairs. */
  outTimes: number[];
  outIds: number[];
  ticks: number;
  counters: Record<string, number>;
  /** Output spike frames lost on the best-effort channel (counts are read reliably regardless). */
  outputGaps: number;
  /** Energy/latency ESTIMATES, one per cost table (never measurements); latency from the board's modelled cycles. */
  estimates: BoardEstimate[];
}

export interface BoardEstimate {
  estimate: true;
  /** The cost table's name and its source (paper, figures used). */
  table: string;
  source: string;
  joules: number;
  latencyUs: number;
}

export type BoardProgress = { type: 'board'; phase: 'connect' | 'upload' | 'verify' | 'commit' | 'run' | 'link'; done: number; total: number; message: string };

export interface BoardApi {
  listBoardPorts(): Promise<BoardPort[]>;
  connectBoard(path: string): Promise<BoardState>;
  disconnectBoard(): Promise<BoardState>;
  getBoardState(): Promise<BoardState>;
  /** Quantises the run's final weights, checks them against the connected board's (or the emulator's default) limits. */
  checkBoardModel(runId: string): Promise<BoardCheck>;
  /** Upload, verify and commit; progress arrives as `board` events. Never leaves a half-committed model. */
  uploadToBoard(runId: string): Promise<BoardUploadResult>;
  runOnBoard(runId: string, sample: number): Promise<BoardRunResult>;
}

export const BOARD_CHANNELS = {
  listBoardPorts: 'board:ports',
  connectBoard: 'board:connect',
  disconnectBoard: 'board:disconnect',
  getBoardState: 'board:state',
  checkBoardModel: 'board:check',
  uploadToBoard: 'board:upload',
  runOnBoard: 'board:run',
} as const satisfies Record<keyof BoardApi, string>;
