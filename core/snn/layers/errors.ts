/**
 * Typed errors of the synaptic layers. Specs are validated before layers are built
 * (specValidate.ts), so these signal a caller bug: a tensor of the wrong shape, an option out of
 * range, or backward without a training forward.
 */
export type LayerErrorCode = 'LAYER_SHAPE' | 'LAYER_CONFIG' | 'LAYER_STATE';

export class LayerError extends Error {
  constructor(
    readonly code: LayerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LayerError';
  }
}

/** A tensor or per-sample shape does not fit the layer. */
export class LayerShapeError extends LayerError {
  constructor(message: string) {
    super('LAYER_SHAPE', message);
    this.name = 'LayerShapeError';
  }
}

/** A construction option is out of range. */
export class LayerConfigError extends LayerError {
  constructor(message: string) {
    super('LAYER_CONFIG', message);
    this.name = 'LayerConfigError';
  }
}

/** backward() without the training forward whose caches it needs. */
export class LayerStateError extends LayerError {
  constructor(layerName: string) {
    super('LAYER_STATE', `${layerName}: backward called without a training forward`);
    this.name = 'LayerStateError';
  }
}
