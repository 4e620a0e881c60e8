/** Models domain of the lab service: layer palette, spec inspection, saved specs. */
import { ApiError } from '../../api/contract';
import type { InspectOptions, LayerCatalog, ModelInspection, ModelsApi, SavedModelSummary } from '../../api/contractModels';
import type { ModelSpec } from '../../snn/spec';
import type { LabContext } from '../context';

export class ModelsService implements ModelsApi {
  constructor(private readonly ctx: LabContext) {}
  async getLayerCatalog(): Promise<LayerCatalog> {
    throw new ApiError('INTERNAL', 'getLayerCatalog is not implemented yet');
  }
  async inspectModel(_spec: unknown, _options: InspectOptions): Promise<ModelInspection> {
    throw new ApiError('INTERNAL', 'inspectModel is not implemented yet');
  }
  async listModels(): Promise<SavedModelSummary[]> {
    throw new ApiError('INTERNAL', `listModels is not implemented yet (${this.ctx.workspace.root})`);
  }
  async saveModel(_spec: ModelSpec): Promise<SavedModelSummary> {
    throw new ApiError('INTERNAL', 'saveModel is not implemented yet');
  }
  async loadModel(_name: string): Promise<ModelSpec> {
    throw new ApiError('INTERNAL', 'loadModel is not implemented yet');
  }
}
