/**
 * The emulator as a stand-alone board on a serial device (a USB-serial adapter, or one end of a
 * socat pty pair): `node out/node/core/board/emulator/standalone.js --port /tmp/ttyB`, or `--pty`
 * to create the pty pair itself. Prints one JSON line `{"ready":true,"port":...}` once listening
 * (with --pty, `port` is the path for the host to open), so a parent process (tests, the CLI) can
 * wait for it; exits when the port closes (unless `--reattach`) or on SIGTERM/SIGINT.
 */
import { openPtyPair, type PtyPair } from '../transportPty';
import { SerialTransport } from '../transportSerial';
import { BoardEmulator, type EmulatorOptions } from './boardEmulator';

export interface ServeOptions {
  /**
   * Keep the board alive when its port closes and reopen the same path once it exists again,
   * keeping the images (`BoardEmulator.attach`): a board on its own power supply whose USB cable
   * is pulled and plugged back, or a socat pair restarted on the same link paths. Waits until
   * stopped, polling every `reattachPollMs` (100).
   */
  reattach?: boolean;
  reattachPollMs?: number;
  /** Told of each close and reattach (the CLI prints them to stderr). */
  onLinkEvent?: (message: string) => void;
}

export async function serveEmulatorOnPort(
  path: string,
  opts: EmulatorOptions = {},
  serve: ServeOptions = {},
): Promise<{ emulator: BoardEmulator; closed: Promise<void>; stop: () => Promise<void> }> {
  const transport = await SerialTransport.open({ path });
  const emulator = new BoardEmulator(transport, opts);
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let resolveClosed = (): void => {};
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const watch = (t: SerialTransport): void => {
    t.onClose((reason) => {
      if (stopped || !serve.reattach) return resolveClosed();
      serve.onLinkEvent?.(`port ${path} closed${reason ? ` (${reason.message})` : ''}; waiting for it to reappear`);
      const poll = (): void => {
        timer = null;
        if (stopped) return;
        SerialTransport.open({ path }).then(
          (next) => {
            if (stopped) return void next.close();
            emulator.attach(next);
            watch(next);
            serve.onLinkEvent?.(`port ${path} reopened; board state kept`);
          },
          () => (timer = setTimeout(poll, serve.reattachPollMs ?? 100)),
        );
      };
      poll();
    });
  };
  watch(transport);
  const stop = async (): Promise<void> => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await emulator.close().catch(() => {});
    resolveClosed();
  };
  return { emulator, closed, stop };
}

async function main(argv: readonly string[]): Promise<number> {
  const i = argv.indexOf('--port');
  let path = i >= 0 ? argv[i + 1] : undefined;
  let pty: PtyPair | null = null;
  if (argv.includes('--pty')) {
    pty = await openPtyPair();
    path = pty.boardPath;
  }
  if (!path) {
    process.stderr.write('usage: standalone (--port <path> | --pty) [--reattach] [--neurons-per-core N] [--fifo-depth N]\n');
    return 2;
  }
  const num = (flag: string): number | undefined => {
    const k = argv.indexOf(flag);
    return k >= 0 ? Number(argv[k + 1]) : undefined;
  };
  const caps: EmulatorOptions['caps'] = {};
  const npc = num('--neurons-per-core');
  const fifo = num('--fifo-depth');
  if (npc) caps.neuronsPerCore = npc;
  if (fifo) caps.fifoDepth = fifo;
  const served = await serveEmulatorOnPort(path, { caps }, { reattach: argv.includes('--reattach'), onLinkEvent: (m) => process.stderr.write(`${m}\n`) });
  const { emulator, closed } = served;
  const stop = (): void => {
    void served
      .stop()
      .then(() => pty?.close())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ ready: true, port: pty ? pty.hostPath : path, boardId: emulator.caps.boardId })}\n`);
  await closed;
  await pty?.close();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
