/** docs/model-spec.md stays true: its JSON examples are the test examples and validate. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateModelSpec } from '../../../core/snn/specValidate';
import { DECODER_FIELDS, ENCODER_FIELDS, LAYER_FIELDS, NEURON_FIELDS, TOP_LEVEL_FIELDS } from '../../../core/snn/modelSchema';
import { convSpec, mlpSpec, resnetSpec } from './specExamples';

const doc = readFileSync(join(__dirname, '../../../docs/model-spec.md'), 'utf8');
const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);

describe('docs/model-spec.md', () => {
  it('shows the MLP, conv and ResNet examples exactly as tested, and they validate', () => {
    expect(blocks).toEqual([mlpSpec, convSpec, resnetSpec]);
    for (const b of blocks) expect(() => validateModelSpec(b)).not.toThrow();
  });

  it('documents every layer, encoder and decoder type and every field the validator knows', () => {
    const missing: string[] = [];
    const need = (word: string): void => {
      if (!doc.includes(`\`${word}\``)) missing.push(word);
    };
    for (const table of [LAYER_FIELDS, ENCODER_FIELDS, DECODER_FIELDS]) {
      for (const [type, fields] of Object.entries(table)) {
        need(type);
        Object.keys(fields).forEach(need);
      }
    }
    Object.keys(NEURON_FIELDS).forEach(need);
    Object.keys(TOP_LEVEL_FIELDS).forEach(need);
    expect(missing).toEqual([]);
  });
});
