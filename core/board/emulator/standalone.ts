/**
 * The emulator as a stand-alone board on a serial device (a USB-serial adapter, or one end of a
 * socat pty pair): `node out/node/core/board/emulator/standalone.js --port /tmp/ttyB`, or `--pty`
 * to create the pty pair itself. Prints one JSON line `{"ready":true,"port":...}` once listening
 * (with --pty, `port` is the path for the host to open), so a parent process (tests, the CLI) can
 * wait for it; exits when the port closes or on SIGTERM/SIGINT.
 */
import { openPtyPair, type PtyPair } from '../transportPty';
import { SerialTransport } from '../transportSerial';
import { BoardEmulator, type EmulatorOptions } from './boardEmulator';

export async function serveEmulatorOnPort(path: string, opts: EmulatorOptions = {}): Promise<{ emulator: BoardEmulator; closed: Promise<void> }> {
  const transport = await SerialTransport.open({ path });
  const emulator = new BoardEmulator(transport, opts);
  const closed = new Promise<void>((resolve) => transport.onClose(() => resolve()));
  return { emulator, closed };
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
    process.stderr.write('usage: standalone (--port <path> | --pty) [--neurons-per-core N] [--fifo-depth N]\n');
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
  const { emulator, closed } = await serveEmulatorOnPort(path, { caps });
  const stop = (): void => {
    void emulator
      .close()
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
