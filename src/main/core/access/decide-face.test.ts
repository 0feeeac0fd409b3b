import { describe, expect, it } from 'vitest';
import type { Thresholds } from '../../../shared/domain';
import { decideFace } from './door-decision-engine';

const t: Thresholds = { identify: 0.4, margin: 0.05, verify: 0.3, minInterEyePx: 24 };
const alice = { id: 'a', name: 'Alice' };
const bob = { id: 'b', name: 'Bob' };

describe('decideFace', () => {
  it('grants the best person above threshold with a clear margin', () => {
    const v = decideFace(
      {
        interEyePx: 40,
        matches: [
          { person: alice, similarity: 0.62 },
          { person: bob, similarity: 0.2 },
        ],
      },
      t,
    );
    expect(v).toEqual({
      decision: 'granted',
      person: alice,
      similarity: 0.62,
      runnerUp: 0.2,
      score: 0.62,
    });
  });

  it('judges the identify score against the threshold, the raw similarities against the margin', () => {
    const matches = [
      { person: alice, similarity: 0.62 },
      { person: bob, similarity: 0.2 },
    ];
    // A crowded cohort pulled the score under the threshold: refused though 0.62 >= 0.4.
    const low = decideFace({ interEyePx: 40, matches, score: 0.39 }, t);
    expect(low).toMatchObject({ decision: 'unknown_face', similarity: 0.62, score: 0.39 });
    expect(decideFace({ interEyePx: 40, matches, score: 0.41 }, t).decision).toBe('granted');
    // The margin is on similarities: a score well above the threshold does not override it.
    const close = [matches[0]!, { person: bob, similarity: 0.6 }];
    expect(decideFace({ interEyePx: 40, matches: close, score: 0.9 }, t).decision).toBe(
      'unknown_face',
    );
  });

  it('grants at exactly the threshold (>=)', () => {
    expect(
      decideFace({ interEyePx: 40, matches: [{ person: alice, similarity: 0.4 }] }, t).decision,
    ).toBe('granted');
  });

  it('denies below threshold but still reports the best similarity', () => {
    const v = decideFace({ interEyePx: 40, matches: [{ person: alice, similarity: 0.39 }] }, t);
    expect(v).toEqual({
      decision: 'unknown_face',
      person: null,
      similarity: 0.39,
      runnerUp: -1,
      score: 0.39,
    });
  });

  it('denies when the runner-up person is too close (margin rule)', () => {
    const v = decideFace(
      {
        interEyePx: 40,
        matches: [
          { person: alice, similarity: 0.6 },
          { person: bob, similarity: 0.57 },
        ],
      },
      t,
    );
    expect(v.decision).toBe('unknown_face');
    expect(v.person).toBeNull();
  });

  it('denies with an empty gallery', () => {
    expect(decideFace({ interEyePx: 40, matches: [] }, t)).toEqual({
      decision: 'unknown_face',
      person: null,
      similarity: -1,
      runnerUp: -1,
    });
  });

  it('refuses a face that is too small before looking at identity', () => {
    const v = decideFace({ interEyePx: 10, matches: [{ person: alice, similarity: 0.9 }] }, t);
    expect(v).toMatchObject({ decision: 'face_too_small', person: null });
  });
});
