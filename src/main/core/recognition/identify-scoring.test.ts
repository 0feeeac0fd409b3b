import { describe, expect, it } from 'vitest';
import {
  BEST_SCORING,
  describeScoring,
  identifyScore,
  identifyScoringSchema,
  peopleNeeded,
} from './identify-scoring';

const cohort = { kind: 'cohort', cohortSize: 3, reference: 0.2 } as const;

describe('identifyScore', () => {
  it('is the raw similarity under best scoring', () => {
    expect(identifyScore([0.7, 0.5, 0.4], 0, BEST_SCORING)).toBe(0.7);
    expect(identifyScore([0.7, 0.5, 0.4], 1, BEST_SCORING)).toBe(0.5);
  });

  it('takes off how far the cohort of other people lies above the reference', () => {
    // Cohort of the best: 0.5, 0.4, 0.3 (mean 0.4): 0.2 over the reference.
    expect(identifyScore([0.7, 0.5, 0.4, 0.3, 0.1], 0, cohort)).toBeCloseTo(0.5);
    // Cohort of the runner-up: the best person is part of it.
    expect(identifyScore([0.7, 0.5, 0.4, 0.3, 0.1], 1, cohort)).toBeCloseTo(0.5 - (1.4 / 3 - 0.2));
  });

  it('never raises a score: a cohort below the reference changes nothing', () => {
    expect(identifyScore([0.7, 0.1, 0.05, 0], 0, cohort)).toBe(0.7);
  });

  it('fills a small gallery with the reference, so a lone person scores as best', () => {
    expect(identifyScore([0.7], 0, cohort)).toBe(0.7);
    // One other person at 0.8 among two reference places: mean 0.4, 0.2 over.
    expect(identifyScore([0.8, 0.7], 1, cohort)).toBeCloseTo(0.5);
  });

  it('keeps excluded people (the person being re-enrolled) out of the cohort', () => {
    // Without the exclusion the 0.9 of the person herself would drag her rival's score down.
    const sims = [0.9, 0.6, 0.2, 0.1];
    expect(identifyScore(sims, 1, cohort, [0])).toBeCloseTo(0.6);
    expect(identifyScore(sims, 1, cohort)).toBeLessThan(0.6);
  });
});

describe('identify scoring settings', () => {
  it('validates a stored scoring and describes it for the audit', () => {
    expect(identifyScoringSchema.parse(cohort)).toEqual(cohort);
    expect(() =>
      identifyScoringSchema.parse({ kind: 'cohort', cohortSize: 0, reference: 0 }),
    ).toThrow();
    expect(() => identifyScoringSchema.parse({ kind: 'mean' })).toThrow();
    expect(describeScoring(cohort)).toBe('cohort(3, ref 0.2)');
    expect(describeScoring(BEST_SCORING)).toBe('best');
  });

  it('asks the gallery for enough people to fill the cohort', () => {
    expect(peopleNeeded(BEST_SCORING)).toBe(2);
    expect(peopleNeeded(cohort)).toBe(5);
  });
});
