import { describe, expect, it } from 'vitest';
import { StationError } from '../../../shared/errors';
import {
  BUILTIN_MANIFEST,
  embeddingSpaceOf,
  manifestModelId,
  parseEmbeddingManifest,
  type EmbeddingManifest,
} from './embedding-manifest';
import {
  checkModelInterface,
  checkTrialOutput,
  type ModelInterface,
} from './embedding-model-check';

const site: EmbeddingManifest = {
  ...BUILTIN_MANIFEST,
  name: 'site-model',
  licence: 'Licensed to the site by its vendor, contract 42',
  input: { ...BUILTIN_MANIFEST.input, channelOrder: 'rgb' },
};

const builtinIo: ModelInterface = {
  inputs: [{ name: 'input', type: 'float32', shape: [1, 3, 112, 112] }],
  outputs: [{ name: 'output', type: 'float32', shape: [1, 512] }],
};

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof StationError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('embedding spaces', () => {
  it('keeps the shipped model fed the shipped way in the space its templates always carried', () => {
    expect(embeddingSpaceOf(BUILTIN_MANIFEST)).toBe('fr_feature@87aacdfe5751');
    expect(manifestModelId(BUILTIN_MANIFEST)).toBe('fr_feature@87aacdfe5751');
    // A manifest of the same file, fed the same way, under another name: the same space.
    expect(embeddingSpaceOf({ ...BUILTIN_MANIFEST, name: 'ours', licence: 'x'.repeat(9) })).toBe(
      'fr_feature@87aacdfe5751',
    );
  });

  it('gives the same weights fed differently a space of their own', () => {
    const rgb = embeddingSpaceOf(site);
    expect(rgb).toMatch(/^onnx@87aacdfe5751\/[0-9a-f]{8}$/);
    expect(rgb).not.toBe(embeddingSpaceOf(BUILTIN_MANIFEST));
    const std = { ...site, input: { ...site.input, std: 127.5 } };
    expect(embeddingSpaceOf(std)).not.toBe(rgb);
    expect(embeddingSpaceOf({ ...site, name: 'renamed', file: 'elsewhere.onnx' })).toBe(rgb);
  });
});

describe('parseEmbeddingManifest', () => {
  it('accepts a complete manifest', () => {
    expect(parseEmbeddingManifest(JSON.stringify(site), 'm.json')).toEqual(site);
  });

  it('names every invalid field, and refuses sizes the alignment cannot make', () => {
    const bad = { ...site, licence: '', sha256: 'ABC', output: { size: 0 } };
    const message = problem(() => parseEmbeddingManifest(JSON.stringify(bad), 'm.json'));
    expect(message).toMatch(/^MODEL_MANIFEST_INVALID: Embedding model manifest m.json/);
    expect(message).toMatch(/licence/);
    expect(message).toMatch(/sha256/);
    expect(message).toMatch(/output.size/);
    const big = { ...site, input: { ...site.input, size: 160 } };
    expect(problem(() => parseEmbeddingManifest(JSON.stringify(big), 'm.json'))).toMatch(
      /asks for 160x160 faces; the station aligns faces to 112x112/,
    );
    expect(problem(() => parseEmbeddingManifest('{', 'm.json'))).toMatch(/is not JSON/);
    expect(problem(() => parseEmbeddingManifest('{"format":"other"}', 'm.json'))).toMatch(/format/);
  });
});

describe('checkModelInterface', () => {
  it('finds the input and output the manifest describes', () => {
    expect(checkModelInterface(site, builtinIo, 'm.json')).toEqual({
      inputName: 'input',
      outputName: 'output',
      outputSizeKnown: true,
    });
    // Symbolic batch and spatial dims pass; the trial inference settles the rest.
    const dynamic: ModelInterface = {
      inputs: [{ name: 'data', type: 'float32', shape: ['N', 3, 'H', 'W'] }],
      outputs: [{ name: 'fc1', type: 'float32', shape: ['N', 'D'] }],
    };
    const named = { ...site, input: { ...site.input, name: undefined }, output: { size: 512 } };
    expect(checkModelInterface(named, dynamic, 'm.json')).toMatchObject({ outputSizeKnown: false });
  });

  it('names the mismatch: input shape, output size, names, types', () => {
    const liveness: ModelInterface = {
      inputs: [{ name: 'input', type: 'float32', shape: [1, 3, 128, 128] }],
      outputs: [{ name: 'output', type: 'float32', shape: [1, 3] }],
    };
    expect(problem(() => checkModelInterface(site, liveness, 'm.json'))).toBe(
      "MODEL_MANIFEST_INVALID: Embedding model manifest m.json says input 112x112 RGB (Nx3x112x112), but the model's input 'input' is 1x3x128x128.",
    );
    const wide = { ...site, output: { size: 256 } };
    expect(problem(() => checkModelInterface(wide, builtinIo, 'm.json'))).toMatch(
      /says the embedding has 256 values, but the model's output 'output' is 1x512 \(512 per face\)/,
    );
    const misnamed = { ...site, input: { ...site.input, name: 'data' } };
    expect(problem(() => checkModelInterface(misnamed, builtinIo, 'm.json'))).toMatch(
      /names input 'data', but the model's inputs are 'input'/,
    );
    const bytes: ModelInterface = {
      ...builtinIo,
      inputs: [{ name: 'input', type: 'uint8', shape: [1, 3, 112, 112] }],
    };
    expect(problem(() => checkModelInterface(site, bytes, 'm.json'))).toMatch(/takes uint8/);
  });

  it('checks a trial embedding for its length and sanity', () => {
    expect(() => checkTrialOutput(site, new Float32Array(512).fill(0.1), 'm.json')).not.toThrow();
    expect(problem(() => checkTrialOutput(site, new Float32Array(128).fill(1), 'm.json'))).toMatch(
      /says the embedding has 512 values, but the model returned 128/,
    );
    expect(problem(() => checkTrialOutput(site, new Float32Array(512), 'm.json'))).toMatch(
      /all zeros/,
    );
    const nan = new Float32Array(512).fill(NaN);
    expect(problem(() => checkTrialOutput(site, nan, 'm.json'))).toMatch(/not finite/);
  });
});
