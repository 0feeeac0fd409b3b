import { describe, expect, it } from 'vitest';
import {
  bestAccuracyThreshold,
  crossValidatedAccuracy,
  equalErrorRate,
  rocAuc,
  tarAtFar,
  type ScoredPair,
} from './verification-metrics';

describe('verification metrics', () => {
  it('AUC is 1 for separated scores, 0.5 for identical ones, 0 for inverted ones', () => {
    expect(rocAuc([0.8, 0.9], [0.1, 0.2])).toBe(1);
    expect(rocAuc([0.5, 0.5], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0.1], [0.9])).toBe(0);
    expect(rocAuc([0.3, 0.9], [0.5, 0.1])).toBe(0.75);
  });

  it('finds the accuracy-maximising threshold between the classes', () => {
    const pairs: ScoredPair[] = [0.9, 0.8, 0.7].map((score) => ({ score, same: true }));
    pairs.push(...[0.1, 0.2, 0.75].map((score) => ({ score, same: false })));
    const { threshold, accuracy } = bestAccuracyThreshold(pairs);
    expect(accuracy).toBeCloseTo(5 / 6, 12);
    expect(threshold).toBeGreaterThan(0.2);
    expect(threshold).toBeLessThanOrEqual(0.8);
  });

  it('cross-validates per fold', () => {
    const pairs: ScoredPair[] = [];
    for (let fold = 1; fold <= 10; fold++) {
      pairs.push({ score: 0.9, same: true, fold }, { score: 0.1, same: false, fold });
    }
    pairs.push({ score: 0.05, same: true, fold: 3 }); // one error in fold 3
    const cv = crossValidatedAccuracy(pairs);
    expect(cv.folds).toHaveLength(10);
    expect(cv.folds[2]).toBeCloseTo(2 / 3, 12);
    expect(cv.mean).toBeCloseTo((9 + 2 / 3) / 10, 12);
  });

  it('EER is 0 for separable scores and 1 for reversed ones', () => {
    expect(equalErrorRate([0.8, 0.9], [0.1, 0.2]).eer).toBe(0);
    expect(equalErrorRate([0.1, 0.2], [0.8, 0.9]).eer).toBeCloseTo(1, 6);
    const r = equalErrorRate([0.9, 0.8, 0.6, 0.4], [0.1, 0.2, 0.3, 0.7]);
    expect(r.eer).toBeCloseTo(0.25, 6);
  });

  it('TAR at FAR keeps false accepts within budget', () => {
    const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000); // 0 .. 0.999
    const genuine = [0.9985, 0.9995, 0.5];
    const r = tarAtFar(genuine, impostor, 1e-3); // one impostor (0.999) may pass
    expect(impostor.filter((s) => s >= r.threshold).length).toBeLessThanOrEqual(1);
    expect(r.tar).toBeCloseTo(2 / 3, 12); // 0.9985 and 0.9995 pass, 0.5 does not
  });
});
