import { describe, expect, it } from 'vitest';
import { GROUP_SIZES } from './pad-features';
import {
  PAD_FEATURE_VERSION,
  PAD_MODEL_FORMAT,
  PadModel,
  parsePadModelFile,
  type PadModelFile,
} from './pad-model';
import { padModelFromBytes } from './pad-model-loader';
import { passiveBand } from './passive-assessment';

/** A one-feature model: live log-odds = 2 x (texture logit - 1) / 0.5. */
function file(): PadModelFile {
  return {
    format: PAD_MODEL_FORMAT,
    version: 1,
    featureVersion: PAD_FEATURE_VERSION,
    heads: {
      face: {
        groups: ['texture_net'],
        lbpTransform: 'sqrt',
        mean: [1],
        scale: [0.5],
        layers: [{ weights: [[2]], bias: [0], activation: 'none' }],
      },
      context: null,
    },
    bands: { spoofBelow: 0.2, clearLiveMin: 0.6 },
    training: { command: 'test' },
  };
}

describe('PAD weights file', () => {
  it('scores through its layers: sigmoid of the standardised, weighted input', () => {
    const model = new PadModel(parsePadModelFile(file()), 'pad_model@test');
    const at = (logit: number) =>
      model.scoreMeasurements({
        groups: { texture_net: Float64Array.of(logit) },
        hasContext: true,
      });
    expect(at(1).score).toBeCloseTo(0.5, 12);
    expect(at(1).head).toBe('face');
    expect(at(2).score).toBeCloseTo(1 / (1 + Math.exp(-4)), 12);
  });

  it('refuses a file with the wrong shapes, bands or feature version, naming the problem', () => {
    const f = file();
    expect(() => parsePadModelFile({ ...f, featureVersion: 99 })).toThrow(/feature version 99/);
    expect(() =>
      parsePadModelFile({ ...f, bands: { spoofBelow: 0.7, clearLiveMin: 0.6 } }),
    ).toThrow(/spoofBelow/);
    const wide = { ...f.heads.face, groups: ['moments_face' as const] };
    expect(() => parsePadModelFile({ ...f, heads: { face: wide, context: null } })).toThrow(
      new RegExp(`${GROUP_SIZES.moments_face} values`),
    );
    expect(() => parsePadModelFile({ ...f, extra: 1 })).toThrow();
  });

  it('a file that verifies but does not parse is MODEL_FAILED, never a silent default', () => {
    expect(() => padModelFromBytes(Buffer.from('{"format":"x"}'))).toThrow(
      expect.objectContaining({ code: 'MODEL_FAILED' }),
    );
    const ok = padModelFromBytes(Buffer.from(JSON.stringify(file())));
    expect(ok.modelId).toMatch(/^pad_model@[0-9a-f]{12}$/);
  });
});

describe('passive bands', () => {
  const t = { spoofBelow: 0.2, clearLiveMin: 0.6, origin: 'model_default' as const };
  it('spoof below, clearly live at or above, uncertain between; NaN is uncertain', () => {
    expect(passiveBand(0.1, t)).toBe('spoof');
    expect(passiveBand(0.2, t)).toBe('uncertain');
    expect(passiveBand(0.6, t)).toBe('clear_live');
    expect(passiveBand(Number.NaN, t)).toBe('uncertain');
  });
});
