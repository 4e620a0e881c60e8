/**
 * Serial-port transport (USB CDC board, or one end of a socat pty pair). Runs in the main/lab
 * process only. serialport is loaded lazily so code that never opens a port (tests, the renderer
 * build) does not load its native binding.
 *
 * Known hazard (TOOLCHAIN.md): @serialport/bindings-cpp 13.0.0 can deadlock on sustained
 * full-duplex traffic; the reliable channel's bounded window keeps in-flight bytes small, which
 * avoids it in practice. Callers still need timeouts.
 */
import type { SerialPort as SerialPortType } from 'serialport';
import { BoardError } from './errors';
import { TransportEvents, type Transport } from './transport';

export interface SerialOptions {
  path: string;
  baudRate?: number;
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

function loadSerialPort(): typeof SerialPortType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('serialport') as { SerialPort: typeof SerialPortType }).SerialPort;
}

/** OS serial ports. VID/PID is only a hint: a port is a board once it answers HELLO. */
export async function listSerialPorts(): Promise<SerialPortInfo[]> {
  const list = await loadSerialPort().list();
  return list.map((p) => ({ path: p.path, manufacturer: p.manufacturer, serialNumber: p.serialNumber, vendorId: p.vendorId, productId: p.productId }));
}

export class SerialTransport implements Transport {
  private readonly events = new TransportEvents();

  private constructor(private readonly port: SerialPortType) {
    port.on('data', (d: Buffer) => this.events.emitData(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    port.on('close', (err: Error | null) => this.events.emitClose(err ?? null));
    port.on('error', (err: Error) => this.events.emitClose(err));
  }

  static open(opts: SerialOptions): Promise<SerialTransport> {
    const SerialPort = loadSerialPort();
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: opts.path, baudRate: opts.baudRate ?? 921600, autoOpen: false });
      port.open((err) => {
        if (err) reject(new BoardError('BOARD_CLOSED', `cannot open ${opts.path}: ${err.message}`));
        else resolve(new SerialTransport(port));
      });
    });
  }

  get closed(): boolean {
    return this.events.closed;
  }
  write(bytes: Uint8Array): void {
    if (this.closed) return;
    this.port.write(Buffer.from(bytes));
  }
  onData(cb: (chunk: Uint8Array) => void): () => void {
    return this.events.onData(cb);
  }
  onClose(cb: (reason: Error | null) => void): () => void {
    return this.events.onClose(cb);
  }
  close(): Promise<void> {
    if (this.closed || !this.port.isOpen) {
      this.events.emitClose(null);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.port.close(() => {
        this.events.emitClose(null);
        resolve();
      });
    });
  }
}
