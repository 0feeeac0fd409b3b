import { describe, expect, it } from 'vitest';
import { StationError } from '../../../shared/errors';
import { decodeLabelMap, encodeLabelMap, REMOVED_LABEL } from './gallery-label-map';

describe('gallery label map (sealed inside the index file)', () => {
  const labels = [7, REMOVED_LABEL, 9, 12];
  const persons = ['p-ada', undefined, 'Zoë ✓', 'p-ada'];

  it('round-trips template ids with their persons, removed labels personless', () => {
    const index = Buffer.from('index bytes');
    const decoded = decodeLabelMap(encodeLabelMap(labels, persons, index));
    expect(decoded.labels).toEqual(labels);
    expect(decoded.persons).toEqual(persons);
    expect(decoded.index.equals(index)).toBe(true);
  });

  it('keeps the index bytes 8-aligned (routed indexes read their rows in place)', () => {
    for (let n = 0; n < 5; n++) {
      const map = encodeLabelMap(labels.slice(0, n), persons.slice(0, n), Buffer.alloc(3));
      expect((map.length - 3) % 8).toBe(0);
    }
  });

  it('refuses a truncated map or one whose person numbers do not fit, as INDEX_STALE', () => {
    const map = encodeLabelMap(labels, persons, Buffer.alloc(0));
    for (const bad of [map.subarray(0, 20), Buffer.from('GLM1xxxxxxxxxxxxxxxx')]) {
      expect(() => decodeLabelMap(bad)).toThrow(StationError);
    }
    const wrongPerson = Buffer.from(map);
    wrongPerson.writeUInt32LE(99, 16 + labels.length * 8); // label 0 -> person 99 of 2
    expect(() => decodeLabelMap(wrongPerson)).toThrow(/invalid person at 0/);
  });
});
