/** Models domain of the lab service: layer palette, spec inspection, saved specs. */
import type { InspectOptions, LayerCatalog, ModelInspection, ModelsApi, SavedModelSummary } from '../../api/contractModels';
import { layerCatalog } from '../../snn/catalog';
import type { ModelSpec } from '../../snn/spec';
import type { LabContext } from '../context';
import { inspectModelSpec } from './inspect';
import { ModelStore } from './modelStore';

export class ModelsService implements ModelsApi {
  private readonly store: ModelStore;
  constructor(ctx: LabContext) {
    this.store = new ModelStore(ctx.workspace.modelsDir);
  }
  async getLayerCatalog(): Promise<LayerCatalog> {
    return layerCatalog();
  }
  // Runs on the service thread: inspection is pure arithmetic over the layer list (well under
  // a millisecond for 50 layers), cheaper than a worker start.
  async inspectModel(spec: unknown, options: InspectOptions): Promise<ModelInspection> {
    return inspectModelSpec(spec, options);
  }
  async listModels(): Promise<SavedModelSummary[]> {
    return this.store.list();
  }
  async saveModel(spec: ModelSpec): Promise<SavedModelSummary> {
    return this.store.save(spec);
  }
  async loadModel(name: string): Promise<ModelSpec> {
    return this.store.load(name);
  }
}
