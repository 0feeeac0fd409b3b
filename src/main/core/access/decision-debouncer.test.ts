import { describe, expect, it } from 'vitest';
import { DecisionDebouncer } from './decision-debouncer';

describe('DecisionDebouncer', () => {
  it('records a new outcome, suppresses repeats within the cooldown, records again after it', () => {
    const d = new DecisionDebouncer(5000);
    expect(d.shouldRecord('granted:a', 0)).toBe(true);
    expect(d.shouldRecord('granted:a', 1000)).toBe(false);
    expect(d.shouldRecord('granted:a', 4999)).toBe(false);
    expect(d.shouldRecord('granted:a', 5000)).toBe(true);
    expect(d.shouldRecord('unknown_face:', 5100)).toBe(true);
    expect(d.shouldRecord('granted:a', 5200)).toBe(true);
  });
});
