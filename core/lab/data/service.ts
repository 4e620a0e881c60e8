/** Data domain of the lab service: inspect files and folders, event windows for playback, frame previews. */
import { ApiError } from '../../api/contract';
import type { DataApi, DataInspection, EventWindow, EventWindowRequest, FramePreview, FramePreviewRequest } from '../../api/contractData';
import type { LabContext } from '../context';

export class DataService implements DataApi {
  constructor(private readonly ctx: LabContext) {}
  async inspectData(path: string, _labels: string | null): Promise<DataInspection> {
    throw new ApiError('INTERNAL', `inspectData is not implemented yet (${path}, ${this.ctx.workspace.root})`);
  }
  async readEventWindow(_path: string, _request: EventWindowRequest): Promise<EventWindow> {
    throw new ApiError('INTERNAL', 'readEventWindow is not implemented yet');
  }
  async previewFrames(_path: string, _request: FramePreviewRequest): Promise<FramePreview> {
    throw new ApiError('INTERNAL', 'previewFrames is not implemented yet');
  }
}
