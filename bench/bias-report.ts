/**
 * Bias report (issue 5): false-match and false-non-match rates per demographic group at the
 * station's operating threshold, with the ratio to the best group, through the real
 * `station calibrate --pairs CSV --groups CSV --json` (same pipeline as the door).
 *
 *   npx tsx bench/bias-report.ts
 *
 * - UTKFace subset: 100 within-group impostor pairs per race x gender group (no identities, so
 *   FMR only). A false match is most likely between similar-looking people, so within-group
 *   impostors are the honest test.
 * - LFW, 6,000 official pairs, gender from the (noisy, first-name-based) identity labels; a pair
 *   counts for a group when both images belong to it (mixed-gender impostors are left out).
 * The input CSVs are written to a temp folder at run time; the data never enters the repo.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GroupMetrics } from '../src/main/core/calibration/group-metrics';
import { sharedDataPath } from '../tests/support/shared-data';
import { makeTempDir } from '../tests/support/temp-dir';

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

main();
