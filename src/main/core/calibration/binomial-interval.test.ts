import { describe, expect, it } from 'vitest';
import { binomialCdf, clopperPearson, normalCdf, probit } from './binomial-interval';

describe('binomial interval and normal deviates', () => {
  it('binomial CDF matches hand-computed values', () => {
    // n = 3, p = 0.5: P(X <= 1) = (1 + 3) / 8
    expect(binomialCdf(1, 3, 0.5)).toBeCloseTo(0.5, 14);
    expect(binomialCdf(0, 10, 0.1)).toBeCloseTo(0.9 ** 10, 14);
    expect(binomialCdf(10, 10, 0.3)).toBe(1);
  });

  it('Clopper-Pearson bounds match the closed forms and textbook values', () => {
    // k = 0: upper = 1 - 0.025^(1/n)
    const [lo0, hi0] = clopperPearson(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(1 - 0.025 ** 0.1, 12);
    // k = n is the mirror image
    const [loN, hiN] = clopperPearson(10, 10);
    expect(loN).toBeCloseTo(0.025 ** 0.1, 12);
    expect(hiN).toBe(1);
    // 5/10: the classic 0.1871 .. 0.8129
    const [lo5, hi5] = clopperPearson(5, 10);
    expect(lo5).toBeCloseTo(0.187086, 5);
    expect(hi5).toBeCloseTo(0.812914, 5);
    // 1/10: 0.00253 .. 0.4450
    const [lo1, hi1] = clopperPearson(1, 10);
    expect(lo1).toBeCloseTo(0.0025286, 6);
    expect(hi1).toBeCloseTo(0.445016, 5);
  });

  it('at 1M trials with no event the bound is about 3.7e-6 (rule of three is one-sided 3/n)', () => {
    const [, hi] = clopperPearson(0, 1_000_000);
    expect(hi).toBeCloseTo(3.689e-6, 8);
  });

  it('rejects impossible proportions', () => {
    expect(() => clopperPearson(3, 2)).toThrow(RangeError);
    expect(() => clopperPearson(0, 0)).toThrow(RangeError);
  });

  it('normal CDF and probit agree with tables, including the far tail', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1.959963985)).toBeCloseTo(0.025, 9);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 9);
    expect(probit(0.025)).toBeCloseTo(-1.959964, 5);
    expect(probit(1e-6)).toBeCloseTo(-4.753424, 5);
    expect(probit(0.5)).toBeCloseTo(0, 9);
    expect(() => probit(0)).toThrow(RangeError);
  });
});
