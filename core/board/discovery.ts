/**
 * Board discovery. USB VID/PID from SerialPort.list() is only a hint (many boards use generic
 * USB-serial bridges); a port is a board once it answers HELLO with a compatible protocol. Probing
 * opens the port, tries HELLO with a short timeout and closes it again.
 */
import { BoardClient } from './client';
import { BoardError } from './errors';
import type { Capabilities } from './messages';
import { listSerialPorts, SerialTransport, type SerialPortInfo } from './transportSerial';

export interface ProbeResult {
  path: string;
  isBoard: boolean;
  capabilities?: Capabilities;
  /** Why it is not a board (timeout, open failure, wrong protocol). */
  reason?: string;
}

export async function probePort(path: string, opts: { timeoutMs?: number; baudRate?: number } = {}): Promise<ProbeResult> {
  let t: SerialTransport;
  try {
    t = await SerialTransport.open({ path, baudRate: opts.baudRate });
  } catch (e) {
    return { path, isBoard: false, reason: e instanceof Error ? e.message : String(e) };
  }
  // Total HELLO wait ~= timeoutMs: RTO t/8 doubling over 3 retries (t/8 + t/4 + t/2 + t/2 cap).
  const rto = Math.max(10, Math.floor((opts.timeoutMs ?? 800) / 8));
  try {
    const client = await BoardClient.connect(t, { initialRtoMs: rto, maxRtoMs: rto * 4, maxRetries: 3 });
    const capabilities = client.capabilities;
    await client.close();
    return { path, isBoard: true, capabilities };
  } catch (e) {
    await t.close().catch(() => {});
    const reason = e instanceof BoardError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    return { path, isBoard: false, reason };
  }
}

/** Every OS serial port with its USB ids, and whether it answered HELLO (probed one at a time). */
export async function listBoards(opts: { timeoutMs?: number; probe?: boolean } = {}): Promise<(SerialPortInfo & ProbeResult)[]> {
  const ports = await listSerialPorts();
  const out: (SerialPortInfo & ProbeResult)[] = [];
  for (const p of ports) out.push({ ...p, ...(opts.probe === false ? { path: p.path, isBoard: false, reason: 'not probed' } : await probePort(p.path, opts)) });
  return out;
}
