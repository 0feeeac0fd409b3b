import { describe, expect, it } from 'vitest';
import { StationError } from '../../../shared/errors';
import { groupMetrics } from './group-metrics';
import { scorePairs } from './pair-scoring';
import { parseGroupsCsv, parsePairsCsv, sharedGroups } from './pairs-csv';

describe('pairs and groups CSV', () => {
  it('reads img1,img2,same with CRLF, a fold column and true/false', () => {
    const text =
      'fold,img1,img2,same\r\n1,a.jpg,b.jpg,1\r\n1,a.jpg,c.jpg,false\r\n\r\n2,"d.jpg",e.jpg,TRUE\r\n';
    expect(parsePairsCsv(text)).toEqual([
      { img1: 'a.jpg', img2: 'b.jpg', same: true },
      { img1: 'a.jpg', img2: 'c.jpg', same: false },
      { img1: 'd.jpg', img2: 'e.jpg', same: true },
    ]);
  });

  it('names the bad line or the missing column', () => {
    expect(() => parsePairsCsv('img1,img2\na,b\n')).toThrow(/missing same/);
    expect(() => parsePairsCsv('img1,img2,same\na,b,yes\n', 'p.csv')).toThrow(
      /p\.csv line 2: same must be/,
    );
    expect(() => parsePairsCsv('')).toThrow(StationError);
  });

  it('maps images to groups; a pair counts for the groups both images share', () => {
    const g = parseGroupsCsv('image,group\na.jpg,f\nb.jpg,f\nb.jpg,age-20s\nc.jpg,m\n');
    expect(sharedGroups(g, 'a.jpg', 'b.jpg')).toEqual(['f']);
    expect(sharedGroups(g, 'a.jpg', 'c.jpg')).toEqual([]);
    expect(sharedGroups(g, 'a.jpg', 'zzz.jpg')).toEqual([]);
  });
});

describe('group metrics', () => {
  it('FMR, FNMR and ratios to the best group, by hand', () => {
    const pairs = [
      // group A: 4 impostors, 1 above 0.5; 2 genuine, 1 below
      ...[0.1, 0.2, 0.3, 0.6].map((score) => ({ score, same: false, groups: ['A'] })),
      { score: 0.9, same: true, groups: ['A'] },
      { score: 0.4, same: true, groups: ['A'] },
      // group B: 4 impostors, 2 above; no genuine pairs
      ...[0.1, 0.2, 0.7, 0.8].map((score) => ({ score, same: false, groups: ['B'] })),
      // group C: 2 impostors, none above
      ...[0.1, 0.2].map((score) => ({ score, same: false, groups: ['C'] })),
    ];
    const r = groupMetrics(pairs, 0.5);
    expect(r.byGroup.A).toMatchObject({ genuine: 2, impostor: 4, fmr: 0.25, fnmr: 0.5 });
    expect(r.byGroup.B).toMatchObject({ fmr: 0.5, fnmr: null, fnmrRatioToBest: null });
    expect(r.byGroup.C).toMatchObject({ fmr: 0, fmrRatioToBest: 1 });
    // best FMR is 0 (C): the others' ratios are unbounded, reported as null
    expect(r.byGroup.A?.fmrRatioToBest).toBeNull();
    expect(r.byGroup.A?.fnmrRatioToBest).toBe(1);
    const noC = groupMetrics(
      pairs.filter((p) => p.groups[0] !== 'C'),
      0.5,
    );
    expect(noC.byGroup.B?.fmrRatioToBest).toBe(2);
  });
});

describe('pair scoring', () => {
  it('embeds each image once and skips pairs with a failed image', async () => {
    const calls: string[] = [];
    const vectors: Record<string, number[]> = { a: [1, 0], b: [0.6, 0.8], c: [0, 1] };
    const embed = (image: string): Promise<Float32Array> => {
      calls.push(image);
      const v = vectors[image];
      return v
        ? Promise.resolve(Float32Array.from(v))
        : Promise.reject(new StationError('NO_FACE', `No face found in ${image}.`));
    };
    const r = await scorePairs(
      [
        { img1: 'a', img2: 'b', same: true },
        { img1: 'a', img2: 'c', same: false },
        { img1: 'a', img2: 'x', same: false },
        { img1: 'x', img2: 'b', same: true },
      ],
      embed,
    );
    expect(calls.sort()).toEqual(['a', 'b', 'c', 'x']);
    expect(r.scored.map((p) => p.score)).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(r.skipped).toBe(2);
    expect(r.skippedImages).toEqual([{ image: 'x', reason: 'NO_FACE: No face found in x.' }]);
  });

  it('a non-StationError is a bug and propagates', async () => {
    await expect(
      scorePairs([{ img1: 'a', img2: 'b', same: true }], () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
  });
});
