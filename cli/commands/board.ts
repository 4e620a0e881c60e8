/**
 * `spikelab board list|info|upload|run|emulator`: the serial board link from the command line.
 * A port is a board once it answers HELLO (USB VID/PID is only a hint). Upload never leaves a
 * half-committed model: the client writes the shadow image, verifies it, then COMMIT swaps it in.
 */
import { BoardClient, type UploadProgress } from '../../core/board/client';
import { listBoards } from '../../core/board/discovery';
import type { EmulatorOptions } from '../../core/board/emulator/boardEmulator';
import { serveEmulatorOnPort } from '../../core/board/emulator/standalone';
import type { Capabilities } from '../../core/board/messages';
import { openPtyPair, type PtyPair } from '../../core/board/transportPty';
import { SerialTransport } from '../../core/board/transportSerial';
import { UsageError, parseArgs } from '../args';
import type { CliIo } from '../io';
import { CliError, INPUT_HELP, formatRunOutput, loadInput, loadModel, requireFits, runOutput } from './emulate';

export const BOARD_HELP = `Usage:
  spikelab board list [--timeout MS] [--json]
      Serial ports, each probed with HELLO; "isBoard" only for ports that answered (VID/PID is a hint).
  spikelab board info --port P [--json]
      The board's HELLO: protocol, firmware, board id, capabilities and limits.
  spikelab board upload --port P --model M [--json]
      Quantise M, check it against the board's limits (one line per violation), upload into the
      shadow image with a progress bar, verify the CRCs, commit.
  spikelab board run --port P --model M (--input FILE | --mnist-test-index N) [--seed N] [--json]
      Uploads M if the board does not already hold it, runs one sample: output spike counts per
      output neuron, predicted class, counters, energy/latency estimates (labelled estimates).
  spikelab board emulator (--port PATH | --pty) [--reattach] [--neurons-per-core N] [--fifo-depth N] [--json]
      Serve the board emulator on a serial device; --pty makes a socat pty pair and prints the
      path to connect to. Serves until Ctrl-C / SIGTERM, or until the port closes; with
      --reattach it keeps its images, waits for the port to reappear and serves it again.
Common: --baud N (default 921600), --timeout MS (HELLO / request timeout, default 1000), --workspace DIR.
${INPUT_HELP}
`;

const COMMON = { port: 'string', baud: 'int', timeout: 'int', json: 'boolean', workspace: 'string', help: 'boolean' } as const;
const FLAGS = {
  list: { timeout: 'int', json: 'boolean', help: 'boolean' },
  info: COMMON,
  upload: { ...COMMON, model: 'string' },
  run: { ...COMMON, model: 'string', input: 'string', 'mnist-test-index': 'int', seed: 'int' },
  emulator: { port: 'string', pty: 'boolean', reattach: 'boolean', 'neurons-per-core': 'int', 'fifo-depth': 'int', json: 'boolean', help: 'boolean' },
} as const;

async function connect(port: string | undefined, baud: number | undefined, timeoutMs: number | undefined, command: string): Promise<BoardClient> {
  if (port === undefined) throw new UsageError(`board ${command}: --port P is required`);
  const t = await SerialTransport.open({ path: port, baudRate: baud });
  // Total HELLO wait ~= timeout: RTO t/8 doubling over 3 retries.
  const rto = Math.max(10, Math.floor((timeoutMs ?? 1000) / 8));
  try {
    return await BoardClient.connect(t, { initialRtoMs: rto, maxRtoMs: rto * 4, maxRetries: 4, runIdleMs: 200 });
  } catch (e) {
    await t.close().catch(() => {});
    throw new CliError(`${port} is not a board (no HELLO answer): ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function formatCapabilities(c: Capabilities): string {
  return [
    `board ${c.boardId}: protocol ${c.protocolMajor}.${c.protocolMinor}, firmware ${c.firmware.major}.${c.firmware.minor}.${c.firmware.patch}, logic 0x${c.logicVersion.toString(16)}`,
    `mesh ${c.meshX} x ${c.meshY} cores, ${c.neuronsPerCore} neurons per core, fan-in <= ${c.maxFanIn}, layers <= ${c.maxLayers}`,
    `weights ${c.weightBits.map((b) => `int${b}`).join('/')}, membrane ${c.membraneBits} bits, leak ${c.leakModes.join('/')}, reset ${c.resetModes.join('/')}`,
    `max payload ${c.maxPayload} B, window ${c.window}, spike buffer ${c.spikeBuffer}, FIFO depth ${c.fifoDepth}, tick ${c.tickNs} ns, clock ${c.clockHz} Hz`,
  ].join('\n') + '\n';
}

/** Upload progress on stderr: a redrawn bar on a terminal, a line per phase when piped. */
function uploadProgress(io: CliIo): { update(p: UploadProgress): void; done(): void } {
  let last = 0;
  let phase = '';
  let drawn = false;
  return {
    update(p) {
      const frac = p.bytesTotal ? p.bytesSent / p.bytesTotal : 1;
      if (io.stderr.isTTY) {
        const now = Date.now();
        if (now - last < 100 && p.phase !== 'verify') return;
        last = now;
        const w = 28;
        const filled = Math.round(frac * w);
        io.stderr.write(`\rupload [${'#'.repeat(filled)}${'.'.repeat(w - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${p.bytesSent}/${p.bytesTotal} B  ${p.phase}\x1b[K`);
        drawn = true;
      } else if (p.phase !== phase) {
        phase = p.phase;
        io.stderr.write(`upload: ${p.phase} (${p.bytesSent}/${p.bytesTotal} B)\n`);
      }
    },
    done() {
      if (drawn) io.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

export async function boardCommand(argv: readonly string[], io: CliIo, cwd = process.cwd()): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help') {
    io.stdout.write(BOARD_HELP);
    return 0;
  }
  if (!(sub in FLAGS)) throw new UsageError(`board: unknown subcommand ${JSON.stringify(sub)} (list, info, upload, run, emulator)`);
  const name = sub as keyof typeof FLAGS;
  const { positionals } = parseArgs(rest, FLAGS[name], `board ${name}`);
  if (positionals.length) throw new UsageError(`board ${name}: unexpected argument ${JSON.stringify(positionals[0])}`);
  if (rest.includes('--help')) {
    io.stdout.write(BOARD_HELP);
    return 0;
  }
  switch (name) {
    case 'list': {
      const { flags } = parseArgs(rest, FLAGS.list, 'board list');
      const ports = await listBoards({ timeoutMs: flags.timeout ?? 800 });
      if (flags.json) io.stdout.write(`${JSON.stringify(ports)}\n`);
      else if (ports.length === 0) io.stdout.write('no serial ports (ptys, e.g. from `board emulator --pty`, are not listed: use --port PATH)\n');
      else
        for (const p of ports) {
          const usb = p.vendorId ? ` usb ${p.vendorId}:${p.productId ?? '?'}` : '';
          io.stdout.write(`${p.path}${usb}  ${p.isBoard ? `board ${p.capabilities?.boardId ?? ''}` : `not a board (${p.reason ?? 'no HELLO'})`}\n`);
        }
      return 0;
    }
    case 'info': {
      const { flags } = parseArgs(rest, FLAGS.info, 'board info');
      const client = await connect(flags.port, flags.baud, flags.timeout, 'info');
      try {
        const caps = client.capabilities;
        io.stdout.write(flags.json ? `${JSON.stringify({ port: flags.port, ...caps })}\n` : formatCapabilities(caps));
      } finally {
        await client.close();
      }
      return 0;
    }
    case 'upload':
    case 'run': {
      const { flags } = parseArgs(rest, FLAGS.run, `board ${name}`);
      if (flags.model === undefined) throw new UsageError(`board ${name}: --model M is required`);
      if (flags.port === undefined) throw new UsageError(`board ${name}: --port P is required`);
      const model = loadModel(flags.model, { workspace: flags.workspace, env: io.env, cwd });
      const input = name === 'run' ? await loadInput(model, flags, cwd, 'board run') : null;
      const client = await connect(flags.port, flags.baud, flags.timeout, name);
      const bar = uploadProgress(io);
      try {
        requireFits(io, model, client.capabilities);
        const action = await client.ensureCommitted(model.q, (p) => bar.update(p));
        bar.done();
        if (name === 'upload') {
          const summary = { port: flags.port, board: client.capabilities.boardId, model: model.ref, action, verified: true, committed: true, notes: model.q.notes };
          if (flags.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
          else {
            const what = action === 'already-active' ? 'already active on the board' : action === 'committed-shadow' ? 'found in the shadow image, committed' : 'uploaded, verified, committed';
            io.stdout.write(`model ${model.ref} ${what} (board ${summary.board} on ${flags.port})\n`);
            for (const n of model.q.notes) io.stdout.write(`  quantisation: ${n}\n`);
          }
          return 0;
        }
        const r = await client.runModel(model.q, (input as NonNullable<typeof input>).spikes);
        const out = runOutput(model, input as NonNullable<typeof input>, r, `${client.capabilities.boardId} on ${flags.port}`);
        io.stdout.write(flags.json ? `${JSON.stringify(out)}\n` : formatRunOutput(out));
        return 0;
      } finally {
        bar.done();
        await client.close();
      }
    }
    case 'emulator':
      return await serveEmulator(rest, io);
  }
}

async function serveEmulator(rest: readonly string[], io: CliIo): Promise<number> {
  const { flags } = parseArgs(rest, FLAGS.emulator, 'board emulator');
  if ((flags.port === undefined) === !flags.pty) throw new UsageError('board emulator: give exactly one of --port PATH or --pty');
  const caps: EmulatorOptions['caps'] = {};
  for (const [flag, key] of [['neurons-per-core', 'neuronsPerCore'], ['fifo-depth', 'fifoDepth']] as const) {
    const v = flags[flag];
    if (v === undefined) continue;
    if (v < 1) throw new UsageError(`board emulator: --${flag} must be positive`);
    caps[key] = v;
  }
  let pty: PtyPair | null = null;
  let path = flags.port as string;
  if (flags.pty) {
    pty = await openPtyPair();
    path = pty.boardPath;
  }
  let served: Awaited<ReturnType<typeof serveEmulatorOnPort>>;
  try {
    served = await serveEmulatorOnPort(path, { caps }, { reattach: flags.reattach === true, onLinkEvent: (m) => io.stderr.write(`spikelab: board emulator: ${m}\n`) });
  } catch (e) {
    await pty?.close();
    throw e;
  }
  const connectTo = pty ? pty.hostPath : path;
  let stopped = false;
  const stop = new Promise<void>((resolve) => {
    const off = io.onInterrupt(() => {
      stopped = true;
      off();
      resolve();
    });
    void served.closed.then(() => {
      off();
      resolve();
    });
  });
  if (flags.json) io.stdout.write(`${JSON.stringify({ ready: true, port: connectTo, boardId: served.emulator.caps.boardId })}\n`);
  else io.stdout.write(`board emulator ${served.emulator.caps.boardId} serving; connect to: ${connectTo}\n(Ctrl-C to stop)\n`);
  await stop;
  await served.stop();
  await pty?.close();
  if (!stopped) {
    io.stderr.write(`spikelab: board emulator: port ${path} closed\n`);
    return 1;
  }
  return 0;
}
