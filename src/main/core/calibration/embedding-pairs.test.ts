import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../settings/threshold-defaults';
import {
  genuinePairs,
  impostorPairCount,
  impostorPairs,
  labelledScores,
  scoreIndexPairs,
  scoreIndexPairsYielding,
} from './embedding-pairs';
import {
  bestPerPerson,
  openSetRatesAt,
  outcomeOf,
  type ProbeOutcome,
} from './open-set-identification';

describe('pairs from labelled embeddings', () => {
  const labels = Int32Array.from([0, 0, 0, 1, 1, 2]);

  it('lists every same-label pair and counts the cross-label ones', () => {
    const g = genuinePairs(labels);
    expect(Array.from(g.a, (a, i) => `${a}-${g.b[i]}`)).toEqual(['0-1', '0-2', '1-2', '3-4']);
    expect(impostorPairCount(labels)).toBe(15 - 4);
    const all = impostorPairs(labels, 100);
    expect(all.a.length).toBe(11);
    for (let k = 0; k < all.a.length; k++) expect(labels[all.a[k]!]).not.toBe(labels[all.b[k]!]);
  });

  it('samples cross-label pairs above the cap, the same ones on every run', () => {
    const many = Int32Array.from({ length: 400 }, (_, i) => i % 40);
    const a = impostorPairs(many, 1000);
    expect(a.a.length).toBe(1000);
    expect(impostorPairs(many, 1000)).toEqual(a);
    for (let k = 0; k < 1000; k++) expect(many[a.a[k]!]).not.toBe(many[a.b[k]!]);
  });

  it('scores pairs as dot products of the rows', async () => {
    const v = Float32Array.from([1, 0, 0, 1, 0.6, 0.8]);
    const s = scoreIndexPairs(v, 2, {
      a: Int32Array.from([0, 0, 1]),
      b: Int32Array.from([1, 2, 2]),
    });
    expect(Array.from(s).map((x) => Math.round(x * 100) / 100)).toEqual([0, 0.6, 0.8]);
    const ls = await labelledScores(v, 2, Int32Array.from([0, 0, 1]), 10);
    expect(ls.genuine.length).toBe(1);
    expect(ls.impostor.length).toBe(2);
    expect(ls.impostorAvailable).toBe(2);
  });
});

describe('sliced scoring', () => {
  it('gives the same scores as one pass, across slice boundaries', async () => {
    const n = 250_001;
    const v = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
    const pairs = {
      a: Int32Array.from({ length: n }, (_, i) => i % 10),
      b: Int32Array.from({ length: n }, (_, i) => (i * 7) % 10),
    };
    const sliced = await scoreIndexPairsYielding(v, 2, pairs);
    const whole = scoreIndexPairs(v, 2, pairs);
    // Byte comparison: a deep toEqual over 250k numbers is needlessly slow.
    expect(Buffer.from(sliced.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
    expect(sliced[n - 1]).toBe(whole[n - 1]);
  });
});

describe('open-set rates through the door decision', () => {
  const personIds = ['ada', 'bob', 'cy'];
  const scores = (...s: number[]) => Float64Array.from(s);

  it('counts a stranger as a false positive only when the decision would grant', () => {
    // Leave-one-person-out as "cy": best ada 0.62, runner-up bob 0.60: margin 0.02 < 0.05.
    const stranger = outcomeOf(scores(0.62, 0.6, 0.3), personIds, null, 2);
    expect(stranger).toEqual({
      truePerson: null,
      best: { person: 'ada', score: 0.62 },
      runnerUp: 0.6,
      identifyScore: 0.62,
    });
    expect(openSetRatesAt([stranger], 0.5, DEFAULT_THRESHOLDS).fpir).toBe(0);
    expect(openSetRatesAt([stranger], 0.5, { ...DEFAULT_THRESHOLDS, margin: 0 }).fpir).toBe(1);
  });

  it('counts an enrolled probe as missed unless granted as itself', () => {
    const probes: ProbeOutcome[] = [
      outcomeOf(scores(0.62, 0.6, 0.3), personIds, 'ada'),
      outcomeOf(scores(0.2, 0.7, -Infinity), personIds, 'bob'),
      outcomeOf(scores(0.9, 0.1, -Infinity), personIds, 'bob'),
    ];
    const r = openSetRatesAt(probes, 0.5, DEFAULT_THRESHOLDS);
    expect(r.fpir).toBeNull();
    // ada: margin too small (missed); bob 0.7 granted; bob's photo granted as ada (missed).
    expect(r.fnir).toBeCloseTo(2 / 3);
  });

  it('scores the best person as the door does, its cohort taken from everyone else', () => {
    const scoring = { kind: 'cohort', cohortSize: 2, reference: 0.2 } as const;
    // Cohort of ada = bob 0.6 and cy 0.3, mean 0.45: 0.25 over the reference comes off.
    const o = outcomeOf(scores(0.62, 0.6, 0.3), personIds, 'ada', -1, scoring);
    expect(o.identifyScore).toBeCloseTo(0.37);
    expect(openSetRatesAt([o], 0.36, { ...DEFAULT_THRESHOLDS, margin: 0 }).fnir).toBe(0);
    expect(openSetRatesAt([o], 0.38, { ...DEFAULT_THRESHOLDS, margin: 0 }).fnir).toBe(1);
    // Left out (leave-one-person-out), cy is in nobody's cohort: bob alone, padded with 0.2.
    const left = outcomeOf(scores(0.62, 0.6, 0.3), personIds, null, 2, scoring);
    expect(left.identifyScore).toBeCloseTo(0.62 - (0.4 - 0.2));
  });

  it('finds the best template per person, leaving out the probe row', () => {
    const gallery = {
      vectors: Float32Array.from([1, 0, 0.8, 0.6, 0, 1]),
      labels: Int32Array.from([0, 0, 1]),
      personIds: ['ada', 'bob'],
    };
    const best = bestPerPerson(gallery.vectors, 2, 0, gallery, 0);
    expect(Array.from(best).map((x) => Math.round(x * 100) / 100)).toEqual([0.8, 0]);
  });
});
