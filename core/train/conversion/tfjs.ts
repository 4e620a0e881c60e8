/**
 * Import of a pretrained ANN in the TensorFlow.js Layers format (model.json + binary weight
 * shards; https://www.tensorflow.org/js/guide/save_load, "layers-model"), for conversion.
 *
 * Reads a Sequential topology of InputLayer, Dense, Conv2D, AveragePooling2D, Flatten, ReLU,
 * Activation(relu|linear|softmax) and Dropout (identity at inference), and the weights manifest:
 * groups of shard files concatenated in order, each weight `shape`/`dtype` float32 laid out
 * row-major one after the other. Layout changes to the engine's:
 *   - Conv2D kernel [kh, kw, in, out] -> [out, in, kh, kw];
 *   - channels_last input [H, W, C] -> [C, H, W]; a Dense after Flatten of an [H, W, C] tensor has
 *     its input rows permuted from (h, w, c) to (c, h, w) order, so the function is unchanged;
 *   - a softmax on the output is dropped (argmax and conversion use the logits).
 * The result is an ANN model spec (relu layers, direct input, T = 1) and its weights in
 * safetensors layout, ready for createConversionTrainer's `pretrained`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { buildNetwork } from '../../snn/build';
import { referenceKernels } from '../../snn/kernels/index';
import { MODEL_SPEC_FORMAT, MODEL_SPEC_VERSION, type LayerSpec, type ModelSpec } from '../../snn/spec';
import { validateModelSpec } from '../../snn/specValidate';
import { MethodError } from '../methodKit';

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
}

function fail(message: string): never {
  throw new MethodError('METHOD_IMPORT', `TF.js model: ${message}`);
}

function rec(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function ints(v: unknown, what: string): number[] {
  if (typeof v === 'number' && Number.isInteger(v)) return [v, v];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) fail(`${what} must be an integer or a list of integers`);
  return v as number[];
}

function safeName(n: string): string {
  const s = n.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(s) ? s : `l_${s}`;
}

/**
 * modelJson: the parsed (or raw text) model.json; readShard: bytes of a shard by the path written
 * in the manifest (relative to model.json). `name` names the resulting spec.
 */
export function importTfjsLayersModel(modelJson: unknown, readShard: (path: string) => Uint8Array, name = 'imported'): { spec: ModelSpec; weights: Uint8Array } {
  const root = rec(typeof modelJson === 'string' ? (JSON.parse(modelJson) as unknown) : modelJson, 'model.json');
  if (root.format !== undefined && root.format !== 'layers-model') fail(`format "${String(root.format)}" is not "layers-model" (graph models cannot be converted)`);
  let topo = rec(root.modelTopology, 'modelTopology');
  if (topo.model_config !== undefined) topo = rec(topo.model_config, 'modelTopology.model_config');
  if (topo.class_name !== 'Sequential') fail(`only Sequential models are supported, got "${String(topo.class_name)}"`);
  const cfg = topo.config;
  const layerList: unknown[] = Array.isArray(cfg) ? cfg : Array.isArray(rec(cfg, 'config').layers) ? (rec(cfg, 'config').layers as unknown[]) : fail('modelTopology.config.layers is missing');

  // Weights: every group's shards concatenated, entries consumed in order.
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  const manifest = root.weightsManifest;
  if (!Array.isArray(manifest)) fail('weightsManifest is missing');
  for (const [gi, g] of (manifest as unknown[]).entries()) {
    const group = rec(g, `weightsManifest[${gi}]`);
    const paths = group.paths;
    const weights = group.weights;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) fail(`weightsManifest[${gi}].paths must be a list of file names`);
    if (!Array.isArray(weights)) fail(`weightsManifest[${gi}].weights is missing`);
    const parts = (paths as string[]).map((p) => readShard(p));
    const total = parts.reduce((a, p) => a + p.length, 0);
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    let off = 0;
    for (const w0 of weights as unknown[]) {
      const w = rec(w0, 'weight entry') as unknown as ManifestWeight & { quantization?: unknown };
      if (typeof w.name !== 'string' || !Array.isArray(w.shape)) fail('a weight entry lacks name or shape');
      if (w.quantization !== undefined) fail(`weight "${w.name}" is quantized; export it as float32`);
      if (w.dtype !== 'float32') fail(`weight "${w.name}" has dtype ${w.dtype}; only float32 is supported`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (off + 4 * n > bytes.length) fail(`weight "${w.name}" runs past the end of its shards (${bytes.length} bytes)`);
      const data = new Float32Array(n);
      const dv = new DataView(bytes.buffer, bytes.byteOffset + off, 4 * n);
      for (let i = 0; i < n; i++) data[i] = dv.getFloat32(4 * i, true);
      values.set(w.name, { shape: w.shape, data });
      off += 4 * n;
    }
  }
  const weightFor = (layer: string, kind: 'kernel' | 'bias'): { shape: number[]; data: Float32Array } => {
    for (const [k, v] of values) if (k === `${layer}/${kind}` || k.endsWith(`/${layer}/${kind}`)) return v;
    return fail(`no weight "${layer}/${kind}" in the manifest`);
  };

  // Topology.
  let input: number[] | null = null;
  let shape: number[] | null = null; // current per-sample shape in the engine's layout
  let flattenedFrom: number[] | null = null; // [C, H, W] of a channels_last flatten awaiting its dense
  const layers: LayerSpec[] = [];
  const tensors: Array<{ name: string; data: Float32Array }> = [];
  const setInput = (c: Record<string, unknown>): void => {
    if (input) return;
    const bis = (c.batch_input_shape ?? c.batchInputShape) as unknown;
    if (!Array.isArray(bis)) fail('the first layer has no batch_input_shape');
    const dims = (bis as Array<number | null>).slice(1);
    if (!dims.every((d) => typeof d === 'number' && d > 0)) fail(`input shape [${dims.join(', ')}] must be fully known`);
    const d = dims as number[];
    if (d.length === 1) input = [d[0]];
    else if (d.length === 3) input = (c.data_format ?? 'channels_last') === 'channels_first' ? [...d] : [d[2], d[0], d[1]];
    else fail(`input of rank ${d.length} is not supported (use [features] or [H, W, C])`);
    shape = [...(input as number[])];
  };
  const activation = (act: unknown, lname: string, isLast: boolean): void => {
    if (act === undefined || act === 'linear' || act === null) return;
    if (act === 'relu') layers.push({ type: 'relu', name: `${lname}_relu` });
    else if (act === 'softmax' && isLast) return;
    else fail(`layer "${lname}": activation "${String(act)}" cannot be converted (use relu)`);
  };
  layerList.forEach((l0, idx) => {
    const l = rec(l0, `layers[${idx}]`);
    const cls = String(l.class_name);
    const c = rec(l.config, `layers[${idx}].config`);
    const lname = safeName(typeof c.name === 'string' ? c.name : `${cls.toLowerCase()}${idx + 1}`);
    const isLast = idx === layerList.length - 1;
    setInput(c);
    const cur = shape as number[];
    if ((c.data_format ?? 'channels_last') !== 'channels_last' && cls !== 'Dense' && cls !== 'InputLayer') fail(`layer "${lname}": only channels_last data is supported`);
    switch (cls) {
      case 'InputLayer':
      case 'Dropout':
        return;
      case 'Flatten':
        if (cur.length === 3) flattenedFrom = [...cur];
        layers.push({ type: 'flatten', name: lname });
        shape = [cur.reduce((a, b) => a * b, 1)];
        return;
      case 'Dense': {
        if (cur.length !== 1) fail(`layer "${lname}": Dense needs a flat input; add Flatten`);
        const units = Number(c.units);
        const useBias = c.use_bias !== false;
        const k = weightFor(String(c.name), 'kernel');
        if (k.shape.length !== 2 || k.shape[0] !== cur[0] || k.shape[1] !== units) fail(`layer "${lname}": kernel shape [${k.shape.join(', ')}] does not fit input ${cur[0]} and ${units} units`);
        let data = k.data;
        if (flattenedFrom) {
          // TF flattens (h, w, c); the engine flattens (c, h, w).
          const [C, H, W] = flattenedFrom;
          data = new Float32Array(k.data.length);
          for (let h = 0; h < H; h++)
            for (let w = 0; w < W; w++)
              for (let ch = 0; ch < C; ch++) {
                const tf = (h * W + w) * C + ch;
                const ours = (ch * H + h) * W + w;
                data.set(k.data.subarray(tf * units, (tf + 1) * units), ours * units);
              }
          flattenedFrom = null;
        }
        layers.push({ type: 'dense', name: lname, units, bias: useBias });
        tensors.push({ name: `${lname}.weight`, data });
        if (useBias) tensors.push({ name: `${lname}.bias`, data: weightFor(String(c.name), 'bias').data });
        shape = [units];
        activation(c.activation, lname, isLast);
        return;
      }
      case 'Conv2D': {
        if (cur.length !== 3) fail(`layer "${lname}": Conv2D needs an [H, W, C] input`);
        const filters = Number(c.filters);
        const [kh, kw] = ints(c.kernel_size, `${lname}.kernel_size`);
        const [sh, sw] = ints(c.strides ?? 1, `${lname}.strides`);
        const dil = ints(c.dilation_rate ?? 1, `${lname}.dilation_rate`);
        if (dil.some((d) => d !== 1)) fail(`layer "${lname}": dilation is not supported`);
        const pad = c.padding ?? 'valid';
        if (pad !== 'valid' && pad !== 'same') fail(`layer "${lname}": padding "${String(pad)}" is not supported`);
        const useBias = c.use_bias !== false;
        const k = weightFor(String(c.name), 'kernel');
        const inC = cur[0];
        if (k.shape.join(',') !== [kh, kw, inC, filters].join(',')) fail(`layer "${lname}": kernel shape [${k.shape.join(', ')}] is not [${kh}, ${kw}, ${inC}, ${filters}]`);
        const data = new Float32Array(k.data.length);
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++)
            for (let i = 0; i < inC; i++) for (let o = 0; o < filters; o++) data[((o * inC + i) * kh + y) * kw + x] = k.data[((y * kw + x) * inC + i) * filters + o];
        layers.push({ type: 'conv2d', name: lname, filters, kernel: [kh, kw], stride: [sh, sw], padding: pad === 'same' ? 'same' : 0, bias: useBias });
        tensors.push({ name: `${lname}.weight`, data });
        if (useBias) tensors.push({ name: `${lname}.bias`, data: weightFor(String(c.name), 'bias').data });
        const oh = pad === 'same' ? cur[1] : Math.floor((cur[1] - kh) / sh) + 1;
        const ow = pad === 'same' ? cur[2] : Math.floor((cur[2] - kw) / sw) + 1;
        shape = [filters, oh, ow];
        activation(c.activation, lname, isLast);
        return;
      }
      case 'AveragePooling2D': {
        if (cur.length !== 3) fail(`layer "${lname}": AveragePooling2D needs an [H, W, C] input`);
        const [ph, pw] = ints(c.pool_size ?? 2, `${lname}.pool_size`);
        const [sh, sw] = ints(c.strides ?? [ph, pw], `${lname}.strides`);
        if (ph !== pw || sh !== sw) fail(`layer "${lname}": only square pools with equal strides are supported`);
        if ((c.padding ?? 'valid') !== 'valid') fail(`layer "${lname}": only valid pooling is supported`);
        layers.push({ type: 'avgpool', name: lname, size: ph, stride: sh });
        shape = [cur[0], Math.floor((cur[1] - ph) / sh) + 1, Math.floor((cur[2] - pw) / sw) + 1];
        return;
      }
      case 'ReLU':
        if (c.max_value !== undefined && c.max_value !== null) fail(`layer "${lname}": ReLU with max_value is not supported`);
        layers.push({ type: 'relu', name: lname });
        return;
      case 'Activation':
        if (c.activation === 'relu') layers.push({ type: 'relu', name: lname });
        else activation(c.activation, lname, isLast);
        return;
      default:
        fail(`layer "${lname}": class ${cls} is not supported (Dense, Conv2D, AveragePooling2D, Flatten, ReLU, Activation, Dropout)`);
    }
  });
  if (!input) fail('the model has no layers');
  const spec = validateModelSpec({ format: MODEL_SPEC_FORMAT, version: MODEL_SPEC_VERSION, name: safeName(name), input, timesteps: 1, encoder: { type: 'direct' }, layers, decoder: { type: 'rate' } });
  const net = buildNetwork(spec, { kernels: referenceKernels, seed: 1 });
  const byName = new Map(tensors.map((t) => [t.name, t.data]));
  for (const p of net.params()) {
    const d = byName.get(p.name);
    if (!d) fail(`no weights for parameter "${p.name}"`);
    if (d.length !== p.value.length) fail(`parameter "${p.name}" has ${d.length} values, the layer needs ${p.value.length}`);
    p.value.set(d);
  }
  return { spec, weights: net.saveWeights() };
}

/**
 * Reads model.json and its shards from disk (for the CLI and the lab service; training methods
 * themselves never touch files). Shard paths must stay inside the model's folder.
 */
export function readTfjsLayersModel(modelJsonPath: string, name?: string): { spec: ModelSpec; weights: Uint8Array } {
  const dir = resolve(dirname(modelJsonPath));
  let text: string;
  try {
    text = readFileSync(modelJsonPath, 'utf8');
  } catch (e) {
    throw new MethodError('METHOD_IMPORT', `TF.js model: cannot read ${modelJsonPath}: ${(e as Error).message}`);
  }
  const readShard = (p: string): Uint8Array => {
    const full = resolve(dir, p);
    if (full !== dir && !full.startsWith(dir + sep)) fail(`shard path "${p}" leaves the model folder`);
    try {
      return new Uint8Array(readFileSync(full));
    } catch (e) {
      return fail(`cannot read shard ${full}: ${(e as Error).message}`);
    }
  };
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw new MethodError('METHOD_IMPORT', `TF.js model: ${modelJsonPath} is not JSON: ${(e as Error).message}`);
  }
  return importTfjsLayersModel(json, readShard, name ?? dirname(modelJsonPath).split(sep).pop() ?? 'imported');
}
