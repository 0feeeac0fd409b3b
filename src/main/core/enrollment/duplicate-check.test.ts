import { describe, expect, it } from 'vitest';
import { findDuplicate } from './duplicate-check';

const names = new Map([
  ['a', 'Ada'],
  ['b', 'Bea'],
]);
const nameOf = (id: string) => names.get(id);

describe('findDuplicate', () => {
  it('names the best other person at or above the identification threshold', () => {
    const matches = [
      { personId: 'a', similarity: 0.71 },
      { personId: 'b', similarity: 0.55 },
    ];
    expect(findDuplicate(matches, null, 0.5, nameOf)).toEqual({
      id: 'a',
      name: 'Ada',
      similarity: 0.71,
    });
    // Re-enrolling Ada: Ada herself is no duplicate, but Bea above the threshold is.
    expect(findDuplicate(matches, 'a', 0.5, nameOf)?.name).toBe('Bea');
    expect(findDuplicate(matches, 'a', 0.6, nameOf)).toBeUndefined();
  });

  it('judges the rival as the door would, with the person herself out of the cohort', () => {
    const scoring = { kind: 'cohort', cohortSize: 2, reference: 0.2 } as const;
    const crowded = [
      { personId: 'a', similarity: 0.9 },
      { personId: 'b', similarity: 0.55 },
      { personId: 'x', similarity: 0.5 },
      { personId: 'y', similarity: 0.5 },
    ];
    // Re-enrolling Ada: Bea's cohort is x and y (0.5), not Ada: 0.55 - 0.3 = 0.25 < 0.5.
    expect(findDuplicate(crowded, 'a', 0.5, nameOf, scoring)).toBeUndefined();
    // Under best scoring the same search would stop the enrolment.
    expect(findDuplicate(crowded, 'a', 0.5, nameOf)?.name).toBe('Bea');
  });

  it('finds nothing in an empty gallery or for a person erased meanwhile', () => {
    expect(findDuplicate([], null, 0.5, nameOf)).toBeUndefined();
    expect(
      findDuplicate([{ personId: 'gone', similarity: 0.9 }], null, 0.5, nameOf),
    ).toBeUndefined();
  });
});
