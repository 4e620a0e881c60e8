/**
 * Frames over a transport: decodes the incoming byte stream (counting rejected frames) and encodes
 * outgoing frames. Shared by the board client and the emulator so both ends frame identically.
 */
import { encodeFrame, FrameDecoder, type DecoderStats, type Frame } from './frame';
import type { Transport } from './transport';

export interface LinkStats {
  framesOut: number;
  bytesOut: number;
  decoder: DecoderStats;
}

export class FrameLink {
  private readonly decoder: FrameDecoder;
  private framesOut = 0;
  private bytesOut = 0;
  private readonly unsubscribe: () => void;

  constructor(
    readonly transport: Transport,
    onFrame: (f: Frame) => void,
    maxPayload?: number,
  ) {
    this.decoder = new FrameDecoder(maxPayload);
    this.unsubscribe = transport.onData((chunk) => {
      for (const f of this.decoder.push(chunk)) onFrame(f);
    });
  }

  send(type: number, flags: number, seq: number, payload: Uint8Array): void {
    const wire = encodeFrame(type, flags, seq, payload);
    this.framesOut++;
    this.bytesOut += wire.length;
    this.transport.write(wire);
  }

  get stats(): LinkStats {
    return { framesOut: this.framesOut, bytesOut: this.bytesOut, decoder: { ...this.decoder.stats } };
  }

  detach(): void {
    this.unsubscribe();
  }
}
