import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientImageEmbedder } from '../../src/main/hosts/cli/calibrate-command';
import { stationClient } from '../../src/main/hosts/cli/cli-client';
import { binomialCdf } from '../../src/main/core/calibration/binomial-interval';
import { scorePairs, type PairScoring } from '../../src/main/core/calibration/pair-scoring';
import { parsePairsCsv } from '../../src/main/core/calibration/pairs-csv';
import { SortedScores } from '../../src/main/core/calibration/sorted-scores';
import { calibrate } from '../../src/main/core/calibration/threshold-calibration';
import type { Station } from '../../src/main/core/station.service';
import { openStation } from '../../src/main/station-factory';
import { sharedDataDir } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

const BIN = resolve(__dirname, '../../bin/station.cjs');
const tmp = makeTempDir('station-calibration-');

/**
 * What a threshold chosen on one set of identities does on people it never saw. CelebA's
 * pairs come in 10 identity-disjoint folds (60 genuine + 60 impostor each): calibrate on folds
 * 1-5, measure on 6-10. Honest limit: 300 impostor pairs per half support no target below
 * 3/300 = 1e-2 (rule of three), and when the detector finds no face in a few photos (9 pairs
 * skipped with the current models) even 1e-2 falls just short; then 1e-2 must be flagged
 * unsupported and the next testable target, 2e-2, is checked instead. 1e-3..1e-6 must always
 * come out flagged as unsupported. Nothing here says anything about FMR 1e-4 in the field.
 */
describe('threshold calibration on real CelebA embeddings (identity-disjoint folds)', () => {
  const root = join(sharedDataDir(), 'celeba_wild_subset');
  const text = readFileSync(join(root, 'pairs.csv'), 'utf8');
  const folds = text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => Number(l.split(',')[0]));
  let station: Station;
  let scoring: PairScoring;
  let fold: Map<string, number>;

  beforeAll(async () => {
    station = await openStation({ dataDir: join(tmp.dir, 'celeba'), mode: 'cli' });
    const pairs = parsePairsCsv(text).map((p, i) => ({
      ...p,
      img1: join(root, p.img1),
      img2: join(root, p.img2),
      fold: folds[i] ?? 0,
    }));
    fold = new Map(pairs.map((p) => [`${p.img1}|${p.img2}`, p.fold]));
    scoring = await scorePairs(pairs, clientImageEmbedder(stationClient(station, 'admin')));
  });
  afterAll(() => station?.close());

  function half(first: boolean) {
    const rows = scoring.scored.filter((p) => fold.get(`${p.img1}|${p.img2}`)! <= 5 === first);
    return {
      genuine: rows.filter((p) => p.same).map((p) => p.score),
      impostor: rows.filter((p) => !p.same).map((p) => p.score),
    };
  }

  it('the threshold for FMR 1e-2 on folds 1-5 holds on held-out folds 6-10', () => {
    const train = half(true);
    const test = half(false);
    const report = calibrate(train.genuine, train.impostor, {
      targets: [2e-2, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6],
    });
    const [at2e2, at1e2, ...strict] = report.targets;
    // 300 impostor pairs support 1e-2 only if none was skipped; else the next testable target.
    expect(at1e2?.supported).toBe(train.impostor.length >= 300);
    const chosen = at1e2?.supported ? at1e2 : at2e2;
    const target = chosen!.targetFmr;
    expect(chosen?.supported).toBe(true);
    expect(strict.every((t) => !t.supported && t.threshold === null)).toBe(true);
    const threshold = chosen!.threshold!;
    const held = SortedScores.from(test.impostor, 'impostor');
    const falseMatches = held.countAtOrAbove(threshold);
    // Slack: even at a true FMR of exactly `target`, the count of false matches among n
    // held-out impostors is Binomial(n, target); allow up to its 99th percentile.
    const n = held.length;
    let allowed = 0;
    while (binomialCdf(allowed, n, target) < 0.99) allowed++;
    const heldFnmr =
      test.genuine.filter((s) => s < threshold).length / Math.max(1, test.genuine.length);
    console.log(
      `celeba calibration: skipped ${scoring.skipped} pairs; target ${target}, threshold ${threshold.toFixed(4)}; ` +
        `train FMR ${chosen!.fmr} FNMR ${chosen!.fnmr?.toFixed(3)}; held-out FMR ${falseMatches}/${n} ` +
        `(allowed <= ${allowed}), FNMR ${heldFnmr.toFixed(3)}; AUC ${report.auc.toFixed(4)}, EER ${report.eer.toFixed(3)}`,
    );
    expect(falseMatches).toBeLessThanOrEqual(allowed);
    expect(report.auc).toBeGreaterThan(0.9);
    expect(scoring.skipped).toBeLessThan(60); // a few in-the-wild photos may show no usable face
  });
});

describe('station calibrate CLI', () => {
  const bbt = join(sharedDataDir(), 'small_identity_sets', 'faceapi_bbt');
  const dataDir = join(tmp.dir, 'cli-data');
  afterAll(() => tmp.cleanup());

  it('reports thresholds as JSON from a CSV of relative paths, flags unsupported targets, changes nothing', async () => {
    const people = ['amy', 'howard', 'penny'];
    const img = (p: string, i: number): string => relative(tmp.dir, join(bbt, p, `${p}${i}.png`));
    const rows = ['fold,img1,img2,same'];
    for (const p of people) {
      rows.push(`1,${img(p, 1)},${img(p, 2)},1`, `1,${img(p, 2)},${img(p, 3)},1`);
      rows.push(`1,${img(p, 1)},${img(p, 3)},true`);
    }
    for (const [i, a] of people.entries()) {
      for (const b of people.slice(i + 1)) {
        for (let k = 1; k <= 5; k++) rows.push(`2,${img(a, k)},${img(b, k)},0`);
      }
    }
    rows.push('2,missing.png,' + img('amy', 1) + ',0'); // unreadable: skipped, not fatal
    writeFileSync(join(tmp.dir, 'pairs.csv'), rows.join('\r\n') + '\r\n');
    writeFileSync(
      join(tmp.dir, 'groups.csv'),
      [
        'image,group',
        ...[1, 2, 3, 4, 5].flatMap((k) =>
          people.map((p) => `${img(p, k)},${p === 'howard' ? 'm' : 'f'}`),
        ),
      ].join('\n'),
    );
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        '--data-dir',
        dataDir,
        'calibrate',
        '--pairs',
        join(tmp.dir, 'pairs.csv'),
        '--groups',
        join(tmp.dir, 'groups.csv'),
        '--target-fmr',
        '0.2',
        '--json',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    type Target = {
      threshold: number | null;
      fmr: number | null;
      fnmr: number | null;
      ci: number[] | null;
      supported: boolean;
      reason?: string;
    };
    const out = JSON.parse(r.stdout) as {
      pairs: { genuine: number; impostor: number; skipped: number };
      auc: number;
      eer: number;
      eerThreshold: number;
      thresholds: Record<string, Target>;
      groups: {
        threshold: number;
        byGroup: Record<string, { fmr: number | null; impostor: number }>;
      };
    };
    expect(out.pairs).toEqual({ genuine: 9, impostor: 15, skipped: 1 });
    expect(out.auc).toBeGreaterThan(0.8);
    expect(typeof out.eerThreshold).toBe('number');
    expect(Object.keys(out.thresholds).sort()).toEqual(['0.2', '1e-3', '1e-4', '1e-5', '1e-6']);
    for (const key of ['1e-3', '1e-4', '1e-5', '1e-6']) {
      expect(out.thresholds[key]).toMatchObject({ supported: false, threshold: null });
      expect(out.thresholds[key]?.reason).toMatch(/15 impostor pairs .*rule of three/);
    }
    const t = out.thresholds['0.2']!; // 15 impostors >= 3 / 0.2: supported
    expect(t.supported).toBe(true);
    expect(t.fmr).toBeLessThanOrEqual(0.2);
    expect(t.ci?.[0]).toBeLessThanOrEqual(t.fmr!);
    expect(t.ci?.[1]).toBeGreaterThanOrEqual(t.fmr!);
    expect(out.groups.threshold).toBe(t.threshold);
    // women-only impostor pairs: amy-penny (5); no men-only impostor pair exists
    expect(out.groups.byGroup.f?.impostor).toBe(5);
    expect(out.groups.byGroup.m?.fmr).toBeNull();

    // Read-only: the station's thresholds are still the defaults of a fresh station.
    const used = await openStation({ dataDir, mode: 'cli' });
    const fresh = await openStation({ dataDir: join(tmp.dir, 'fresh'), mode: 'cli' });
    try {
      expect(used.info.status().thresholds).toEqual(fresh.info.status().thresholds);
    } finally {
      used.close();
      fresh.close();
    }
  });
});
