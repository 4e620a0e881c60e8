/** Board domain of the lab service: serial ports and the built-in emulator, capability check, upload, run. */
import { ApiError } from '../../api/contract';
import type { BoardApi, BoardCheck, BoardPort, BoardRunResult, BoardState, BoardUploadResult } from '../../api/contractBoard';
import type { LabContext } from '../context';

export class BoardService implements BoardApi {
  constructor(private readonly ctx: LabContext) {}
  async listBoardPorts(): Promise<BoardPort[]> {
    throw new ApiError('INTERNAL', 'listBoardPorts is not implemented yet');
  }
  async connectBoard(_path: string): Promise<BoardState> {
    throw new ApiError('INTERNAL', 'connectBoard is not implemented yet');
  }
  async disconnectBoard(): Promise<BoardState> {
    throw new ApiError('INTERNAL', 'disconnectBoard is not implemented yet');
  }
  async getBoardState(): Promise<BoardState> {
    throw new ApiError('INTERNAL', 'getBoardState is not implemented yet');
  }
  async checkBoardModel(runId: string): Promise<BoardCheck> {
    this.ctx.summary(runId);
    throw new ApiError('INTERNAL', 'checkBoardModel is not implemented yet');
  }
  async uploadToBoard(_runId: string): Promise<BoardUploadResult> {
    throw new ApiError('INTERNAL', 'uploadToBoard is not implemented yet');
  }
  async runOnBoard(_runId: string, _sample: number): Promise<BoardRunResult> {
    throw new ApiError('INTERNAL', 'runOnBoard is not implemented yet');
  }
  /** Called when the lab service closes: drop the serial link or the emulator. */
  async close(): Promise<void> {}
}
