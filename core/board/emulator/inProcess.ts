/**
 * The emulator in-process, behind the same client as a real board: one call gives a connected
 * BoardClient over an in-memory link (what `spikelab emulate` and the lab's "run on emulator" use),
 * so in-process and on-board runs share every line of host code.
 */
import { BoardClient, type ClientOptions } from '../client';
import { createMemoryPair } from '../transportMemory';
import { BoardEmulator, type EmulatorOptions } from './boardEmulator';

export interface InProcessBoard {
  client: BoardClient;
  emulator: BoardEmulator;
  close(): Promise<void>;
}

export async function openInProcessBoard(opts: { emulator?: EmulatorOptions; client?: ClientOptions } = {}): Promise<InProcessBoard> {
  const [host, board] = createMemoryPair();
  const emulator = new BoardEmulator(board, opts.emulator);
  // An in-memory link loses nothing: a short RTO only matters if the emulator is stuck.
  const client = await BoardClient.connect(host, { initialRtoMs: 1000, maxRtoMs: 4000, ...opts.client });
  return {
    client,
    emulator,
    close: async () => {
      await client.close();
      await emulator.close();
    },
  };
}
