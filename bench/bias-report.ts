/**
 * Bias report (issue 5): false-match and false-non-match rates per demographic group at the
 * station's operating threshold, with the ratio to the best group, through the real
 * `station calibrate --pairs CSV --groups CSV --json` (same pipeline as the door).
 *
 *   npx tsx bench/bias-report.ts [--identify-only]
 *
 * - UTKFace subset: 100 within-group impostor pairs per race x gender group (no identities, so
 *   FMR only). A false match is most likely between similar-looking people, so within-group
 *   impostors are the honest test.
 * - LFW, 6,000 official pairs, gender from the (noisy, first-name-based) identity labels; a pair
 *   counts for a group when both images belong to it (mixed-gender impostors are left out).
 * - UTKFace subset, at the door's identify decision: every within-group pair as a stranger
 *   probe against an enrolled face, scored with the station's identify scoring against a
 *   cohort (bench/lib/group-false-matches.ts), before (best similarity, identify 0.50) and
 *   now (the default scoring and threshold), and at an equal pooled false-match rate.
 * The input CSVs are written to a temp folder at run time; the data never enters the repo.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GroupMetrics, GroupReport } from '../src/main/core/calibration/group-metrics';
import { defaultModelsDir } from '../src/main/core/models/model-verifier';
import { BEST_SCORING } from '../src/main/core/recognition/identify-scoring';
import {
  DEFAULT_IDENTIFY_SCORING,
  DEFAULT_MODEL_ID,
  DEFAULT_THRESHOLDS,
} from '../src/main/core/settings/threshold-defaults';
import { celebaPhotos, faceRecords } from './lib/face-records';
import {
  groupFalseMatches,
  scoredGroupPairs,
  thresholdForPooledFmr,
  type GroupedFace,
} from './lib/group-false-matches';
import { sharedDataPath } from '../tests/support/shared-data';
import { makeTempDir } from '../tests/support/temp-dir';
import { loadFacePipeline } from '../src/main/composition/onnx-models';

interface CalibrateJson {
  pairs: { genuine: number; impostor: number; skipped: number };
  eer: number | null;
  groups: { threshold: number; thresholdSource: string; byGroup: Record<string, GroupMetrics> };
}

function rows(text: string): string[][] {
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','));
}

function calibrate(dataDir: string, pairs: string, groups: string): CalibrateJson {
  const bin = resolve(__dirname, '..', 'bin', 'station.cjs');
  const r = spawnSync(
    process.execPath,
    [bin, '--data-dir', dataDir, 'calibrate', '--pairs', pairs, '--groups', groups, '--json'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`calibrate failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as CalibrateJson;
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(2)} %`);
const ratio = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));

function table(title: string, c: CalibrateJson): void {
  console.log(`### ${title}\n`);
  console.log(
    `Operating threshold ${c.groups.threshold.toFixed(3)} (${c.groups.thresholdSource}); pairs: ${c.pairs.genuine} genuine, ${c.pairs.impostor} impostor, ${c.pairs.skipped} skipped (no usable face).\n`,
  );
  console.log('| group | genuine | impostor | FMR (95 % CI) | FMR / best | FNMR | FNMR / best |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [g, m] of Object.entries(c.groups.byGroup).sort()) {
    const ci = m.fmrCi ? ` (${pct(m.fmrCi[0])}-${pct(m.fmrCi[1])})` : '';
    console.log(
      `| ${g} | ${m.genuine} | ${m.impostor} | ${pct(m.fmr)}${ci} | ${ratio(m.fmrRatioToBest)} | ${pct(m.fnmr)} | ${ratio(m.fnmrRatioToBest)} |`,
    );
  }
  console.log('');
}

function main(): void {
  const tmp = makeTempDir('station-bias-');
  try {
    const data = join(tmp.dir, 'data');
    const lfw = sharedDataPath('lfw_pairs_gray');
    const lfwPairs = rows(readFileSync(join(lfw, 'pairs.csv'), 'utf8'));
    // UTKFace: impostor pairs within race x gender, group = "race gender". UTKFace has no
    // identities, so no genuine pairs; calibrate needs some for its ROC, so LFW's fold-1
    // genuine pairs ride along ungrouped. The per-group FMR is at the station's operating
    // threshold and does not depend on them.
    const ridealong = lfwPairs
      .filter(([fold, , , same]) => fold === '1' && same === '1')
      .map(([, a, b]) => `${join(lfw, a ?? '')},${join(lfw, b ?? '')},1`);
    const utk = sharedDataPath('utkface_subset');
    const utkPairs = rows(readFileSync(join(utk, 'impostor_pairs_within_group.csv'), 'utf8'));
    const pairsCsv = join(tmp.dir, 'utk-pairs.csv');
    const groupsCsv = join(tmp.dir, 'utk-groups.csv');
    writeFileSync(
      pairsCsv,
      `img1,img2,same\n${[...utkPairs.map(([, , a, b]) => `${join(utk, a ?? '')},${join(utk, b ?? '')},0`), ...ridealong].join('\n')}\n`,
    );
    const groupOf = new Map<string, string>();
    for (const [race, gender, a, b] of utkPairs) {
      groupOf.set(join(utk, a ?? ''), `${race} ${gender}`);
      groupOf.set(join(utk, b ?? ''), `${race} ${gender}`);
    }
    writeFileSync(
      groupsCsv,
      `image,group\n${[...groupOf].map(([i, g]) => `${i},${g}`).join('\n')}\n`,
    );
    table(
      'UTKFace subset: within-group impostors (race x gender)',
      calibrate(data, pairsCsv, groupsCsv),
    );

    // LFW: gender per identity.
    const gender = new Map(
      rows(readFileSync(join(lfw, 'gender_labels_by_identity.csv'), 'utf8')).map(([id, g]) => [
        id ?? '',
        g ?? '',
      ]),
    );
    const lfwPairsCsv = join(tmp.dir, 'lfw-pairs.csv');
    const lfwGroupsCsv = join(tmp.dir, 'lfw-groups.csv');
    writeFileSync(
      lfwPairsCsv,
      `img1,img2,same\n${lfwPairs.map(([, a, b, s]) => `${join(lfw, a ?? '')},${join(lfw, b ?? '')},${s}`).join('\n')}\n`,
    );
    const images = new Set(lfwPairs.flatMap(([, a, b]) => [a ?? '', b ?? '']));
    const lfwGroups = [...images].flatMap((img) => {
      const g = gender.get(img.split('/')[1] ?? '');
      return g ? [`${join(lfw, img)},${g}`] : [];
    });
    writeFileSync(lfwGroupsCsv, `image,group\n${lfwGroups.join('\n')}\n`);
    table(
      'LFW 6,000 pairs by gender (first-name-based labels)',
      calibrate(data, lfwPairsCsv, lfwGroupsCsv),
    );
  } finally {
    tmp.cleanup();
  }
}

const OLD_IDENTIFY = 0.5;

function ratioCell(m: GroupMetrics): string {
  return `${pct(m.fmr)} (${m.impostor}) | ${ratio(m.fmrRatioToBest)}`;
}

function worstRatio(r: GroupReport): string {
  const rates = Object.values(r.byGroup).map((m) => m.fmr ?? 0);
  const best = Math.min(...rates);
  return best === 0 ? 'n/a (best group 0)' : `${(Math.max(...rates) / best).toFixed(1)}x`;
}

async function identifyBias(): Promise<void> {
  const utk = sharedDataPath('utkface_subset');
  const labels = rows(readFileSync(join(utk, 'labels.csv'), 'utf8'));
  const photos = labels.map(([image, , gender, race]): [string, string] => [
    join('utkface_subset', image ?? ''),
    `${race ?? ''} ${gender ?? ''}`,
  ]);
  const load = () => loadFacePipeline(defaultModelsDir());
  const modelId = DEFAULT_MODEL_ID;
  const records = await faceRecords('utkface', photos, modelId, load);
  const faces: GroupedFace[] = records
    .filter((r) => r.main >= 0)
    .map((r) => ({ file: r.file, group: r.identity, vector: r.faces[r.main]!.embedding }));
  const celeba = await faceRecords('celeba', celebaPhotos(), modelId, load);
  const seen = new Set<string>();
  const celebaCohort = celeba.flatMap((r) => {
    if (r.main < 0 || seen.has(r.identity)) return [];
    seen.add(r.identity);
    return [r.faces[r.main]!.embedding];
  });
  const before = groupFalseMatches(scoredGroupPairs(faces, BEST_SCORING, null), OLD_IDENTIFY);
  const pooledBefore =
    Object.values(before.byGroup).reduce((a, m) => a + (m.fmr ?? 0) * m.impostor, 0) /
    Object.values(before.byGroup).reduce((a, m) => a + m.impostor, 0);
  for (const [title, cohort] of [
    ['cohort: the other UTKFace faces (a balanced population)', null],
    [`cohort: ${celebaCohort.length} CelebA faces, one per identity (mostly white)`, celebaCohort],
  ] as const) {
    const pairs = scoredGroupPairs(faces, DEFAULT_IDENTIFY_SCORING, cohort);
    const now = groupFalseMatches(pairs, DEFAULT_THRESHOLDS.identify);
    const equal = groupFalseMatches(pairs, thresholdForPooledFmr(pairs, pooledBefore));
    console.log(`### UTKFace within-group false matches at the identify decision, ${title}\n`);
    console.log(
      `Before: best similarity >= ${OLD_IDENTIFY}. Now: the station default (${JSON.stringify(DEFAULT_IDENTIFY_SCORING)}, identify ${DEFAULT_THRESHOLDS.identify}). Equal rate: the default scoring at the threshold giving the same pooled FMR as before (${pct(pooledBefore)}). Worst/best group: before ${worstRatio(before)}, now ${worstRatio(now)}, equal rate ${worstRatio(equal)}.\n`,
    );
    console.log(
      '| group | before FMR (pairs) | / best | now FMR | / best | equal-rate FMR | / best |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const g of Object.keys(before.byGroup).sort()) {
      console.log(
        `| ${g} | ${ratioCell(before.byGroup[g]!)} | ${ratioCell(now.byGroup[g]!)} | ${ratioCell(equal.byGroup[g]!)} |`,
      );
    }
    console.log('');
  }
}

// --identify-only: just the door's identify figures (seconds once the records are cached).
if (!process.argv.includes('--identify-only')) main();
void identifyBias().then(() => process.exit(0));
