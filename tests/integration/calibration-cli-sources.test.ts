import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_CSV_COLUMNS } from '../../src/main/hosts/cli/calibration-csv';
import { MAX_FOLDER_PHOTO_BYTES } from '../../src/main/hosts/cli/calibration-folder';
import { openStation } from '../../src/main/station-factory';
import { celebaOpenSetSplit } from '../support/celeba-split';
import { sharedDataDir, sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

/**
 * `station calibrate --enrolled | --folder DIR` through the real CLI (plain Node, real SQLite,
 * real ONNX models) on a station with 6 CelebA people enrolled from 3 photos each, and the
 * usage errors. The folder holds symlinks to the shared data (never copies): three Big Bang
 * Theory people, a white image with no face, a stray text file and a photo outside any
 * identity sub-folder.
 */

interface Target {
  threshold: number | null;
  fmr: number | null;
  supported: boolean;
  reason?: string;
}
interface Point {
  threshold: number;
  fmr: number;
  fnmr: number;
  fpir: number | null;
  fnir: number | null;
}
interface RunJson {
  source: string;
  identities: number;
  pairs: { genuine: number; impostor: number; skipped: number };
  auc: number;
  eer: number;
  eerThreshold: number;
  thresholds: Record<string, Target>;
  openSet: { matedProbes: number; nonMatedProbes: number } | null;
  atCurrent: Point;
  candidate: Point & { source: string };
  grid: Point[];
  skippedFiles?: { noFace: number; manyFaces: number; unreadable: number };
  skippedImages?: string[];
  ignoredFiles?: number;
}

/** Splits the CLI's CSV (no quoted commas in these rows but the notes, which are quoted). */
function parseCsv(text: string): Record<string, string>[] {
  const lines = text.trimEnd().split('\r\n');
  const header = lines[0]!.split(',');
  return lines.slice(1).map((l) => {
    const cells: string[] = [];
    for (const m of l.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      cells.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
      if (m[2] === '') break;
    }
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

describe('station calibrate --enrolled / --folder (real CLI)', () => {
  const tmp = makeTempDir('station-calibrate-cli-');
  const dataDir = join(tmp.dir, 'data');
  const cli = stationCli(dataDir);
  let templates = 0;
  let identifyThreshold = NaN;

  beforeAll(async () => {
    const station = await openStation({ dataDir, mode: 'cli' });
    try {
      const split = celebaOpenSetSplit(sharedDataDir(), 6, 0);
      for (const [id, files] of split.enrolled) {
        await station.intake.enroll({
          name: `celeb-${id}`,
          consent: true,
          recordedBy: 'test',
          images: files.map((f) => ({ fileName: basename(f), bytes: readFileSync(f) })),
        });
      }
      templates = station.info.status().templates;
    } finally {
      station.close();
    }
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('--enrolled --json: the issue shape, the user target, open-set FPIR/FNIR', () => {
    const r = cli('calibrate', '--enrolled', '--target-fmr', '0.05', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.json as RunJson;
    expect(out.source).toBe('enrolled');
    expect(out.identities).toBe(6);
    expect(templates).toBeGreaterThanOrEqual(12);
    expect(out.pairs.genuine + out.pairs.impostor).toBe((templates * (templates - 1)) / 2);
    expect(out.pairs.skipped).toBe(0);
    expect(out.auc).toBeGreaterThan(0.9);
    expect(out.eerThreshold).toBeGreaterThan(0);
    expect(Object.keys(out.thresholds).sort()).toEqual(['0.05', '1e-3', '1e-4', '1e-5', '1e-6']);
    expect(out.thresholds['1e-4']).toMatchObject({ supported: false, threshold: null });
    expect(out.thresholds['1e-4']?.reason).toMatch(/rule of three/);
    // >= 60 impostor pairs support 5 %: a real threshold with its measured FMR.
    expect(out.thresholds['0.05']?.supported).toBe(true);
    expect(out.thresholds['0.05']?.fmr).toBeLessThanOrEqual(0.05);
    expect(out.openSet).toMatchObject({ matedProbes: templates, nonMatedProbes: templates });
    expect(out.atCurrent.fpir).toBeGreaterThanOrEqual(0);
    expect(out.atCurrent.fnir).toBeLessThanOrEqual(1);
    expect(out.grid).toHaveLength(101);
    expect(out.grid[100]).toMatchObject({ threshold: 1, fpir: 0, fnir: 1 });
    identifyThreshold = out.atCurrent.threshold;
  }, 60_000);

  it('--enrolled --csv: one table with summary, target, operating and grid sections', () => {
    const r = cli('calibrate', '--enrolled', '--csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\r\n')[0]).toBe(CALIBRATION_CSV_COLUMNS.join(','));
    const rows = parseCsv(r.stdout);
    const of = (section: string) => rows.filter((x) => x.section === section);
    const summary = new Map(of('summary').map((x) => [x.name ?? '', x.value ?? '']));
    expect(summary.get('source')).toBe('enrolled');
    expect(summary.get('identities')).toBe('6');
    expect(summary.get('skipped')).toBe('0');
    expect(Number(summary.get('genuine_pairs')) + Number(summary.get('impostor_pairs'))).toBe(
      (templates * (templates - 1)) / 2,
    );
    expect(Number(summary.get('auc'))).toBeGreaterThan(0.9);
    expect(of('target').map((x) => x.name)).toEqual(['1e-3', '1e-4', '1e-5', '1e-6']);
    for (const t of of('target')) {
      expect(t).toMatchObject({ supported: 'false', threshold: '' });
      expect(t.note).toMatch(/rule of three/);
    }
    expect(of('operating').map((x) => x.name)).toEqual(['current_identify', 'candidate']);
    // Read-only: the run before changed nothing, the identify threshold is the same.
    expect(Number(of('operating')[0]!.threshold)).toBe(identifyThreshold);
    const grid = of('grid');
    expect(grid).toHaveLength(101);
    expect(grid[50]).toMatchObject({ threshold: '0.5' });
    for (const g of grid) {
      for (const c of ['fmr', 'fnmr', 'fpir', 'fnir'] as const) {
        const v = Number(g[c]);
        expect(g[c]).not.toBe('');
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  }, 60_000);

  it('--folder --json: identities from sub-folders, a no-face photo skipped and counted', () => {
    const folder = join(tmp.dir, 'identities');
    const bbt = sharedDataPath('small_identity_sets', 'faceapi_bbt');
    for (const person of ['amy', 'howard', 'penny']) {
      mkdirSync(join(folder, person), { recursive: true });
      for (let k = 1; k <= 3; k++) {
        symlinkSync(join(bbt, person, `${person}${k}.png`), join(folder, person, `${k}.png`));
      }
    }
    mkdirSync(join(folder, 'nobody'));
    symlinkSync(sharedDataPath('no_face', 'faceapi_white.png'), join(folder, 'nobody', 'w.png'));
    writeFileSync(join(folder, 'amy', 'notes.txt'), 'not a photo');
    symlinkSync(join(bbt, 'raj', 'raj1.png'), join(folder, 'unlabelled.png'));

    const r = cli('calibrate', '--folder', folder, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.json as RunJson;
    expect(out.source).toBe('folder');
    expect(out.identities).toBe(3);
    expect(out.pairs).toMatchObject({ genuine: 9, impostor: 27, skipped: 1 });
    expect(out.skippedFiles).toEqual({ noFace: 1, manyFaces: 0, unreadable: 0 });
    expect(out.skippedImages).toEqual(['nobody/w.png: no face found']);
    expect(out.ignoredFiles).toBe(2);
    expect(out.auc).toBeGreaterThan(0.8);
    expect(Object.keys(out.thresholds).sort()).toEqual(['1e-3', '1e-4', '1e-5', '1e-6']);
    // None of these people is enrolled: every probe is a stranger to the gallery.
    expect(out.openSet).toMatchObject({ matedProbes: 0, nonMatedProbes: 9 });
    expect(out.atCurrent.fpir).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('--pairs --csv: the same table, FPIR/FNIR cells empty (pairs have no gallery)', () => {
    const bbt = sharedDataPath('small_identity_sets', 'faceapi_bbt');
    const img = (p: string, k: number): string => join(bbt, p, `${p}${k}.png`);
    const rows = ['img1,img2,same'];
    for (const p of ['amy', 'howard', 'penny']) rows.push(`${img(p, 1)},${img(p, 2)},1`);
    for (let k = 1; k <= 3; k++) rows.push(`${img('amy', k)},${img('raj', k)},0`);
    const csvFile = join(tmp.dir, 'pairs.csv');
    writeFileSync(csvFile, `${rows.join('\n')}\n`);
    const r = cli('calibrate', '--pairs', csvFile, '--target-fmr', '0.5', '--csv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const table = parseCsv(r.stdout);
    expect(table.find((x) => x.name === 'source')?.value).toBe('pairs');
    expect(table.find((x) => x.name === 'genuine_pairs')?.value).toBe('3');
    expect(table.filter((x) => x.section === 'target').map((x) => x.name)).toEqual([
      '0.5',
      '1e-3',
      '1e-4',
      '1e-5',
      '1e-6',
    ]);
    expect(table.filter((x) => x.section === 'operating')).toHaveLength(0);
    const grid = table.filter((x) => x.section === 'grid');
    expect(grid).toHaveLength(101);
    expect(grid.every((g) => g.fmr !== '' && g.fpir === '' && g.fnir === '')).toBe(true);
  }, 60_000);

  it('--folder refuses a photo over the upload size limit, naming it, before any work', () => {
    const folder = join(tmp.dir, 'huge');
    mkdirSync(join(folder, 'someone'), { recursive: true });
    writeFileSync(join(folder, 'someone', 'big.jpg'), '');
    truncateSync(join(folder, 'someone', 'big.jpg'), MAX_FOLDER_PHOTO_BYTES + 1); // sparse
    const r = cli('calibrate', '--folder', folder);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/someone\/big\.jpg is 15\.0 MB; a calibration photo may be at most/);
    expect(r.stderr).toMatch(/\[IMAGE_TOO_LARGE\]/);
    const missing = cli('calibrate', '--folder', join(tmp.dir, 'no-such-folder'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read the folder .*no-such-folder/);
  }, 60_000);

  it('--adopt-identify: the audited core adoption on the run just made; absurd ones refused', async () => {
    const refused = cli('calibrate', '--enrolled', '--adopt-identify', '0.02');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Refused: the identify threshold 0.02 accepts/);
    const r = cli('calibrate', '--enrolled', '--adopt-identify', '0.45', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.json as RunJson & {
      adopted: { before: { identify: number }; after: { identify: number }; auditId: number };
    };
    expect(out.adopted.before.identify).toBe(identifyThreshold);
    expect(out.adopted.after.identify).toBe(0.45);
    const station = await openStation({ dataDir, mode: 'cli' });
    try {
      expect(station.settings.thresholds().identify).toBe(0.45);
      expect(station.review.detail(out.adopted.auditId).facts).toMatchObject({
        setting: 'thresholds',
        changedBy: 'cli',
        'identify.old': identifyThreshold,
        'identify.new': 0.45,
        'evidence.source': 'enrolled',
      });
      expect(station.auditAdmin.verifyChain().ok).toBe(true);
    } finally {
      station.close();
    }
  }, 60_000);

  it('usage errors: exactly one source, --groups with --pairs only, --json or --csv', () => {
    const cases: [string[], RegExp][] = [
      [[], /calibrate needs exactly one source: --pairs CSV/],
      [['--enrolled', '--folder', tmp.dir], /exactly one source.*got --enrolled and --folder/],
      [['--pairs', 'p.csv', '--enrolled'], /got --pairs and --enrolled/],
      [['--enrolled', '--groups', 'g.csv'], /--groups works with --pairs only/],
      [['--enrolled', '--json', '--csv'], /--json or --csv, not both/],
      [['--enrolled', 'extra'], /calibrate takes no positional arguments/],
      [['--folder', ''], /--folder needs a DIR/],
      [['--pairs', 'p.csv', '--adopt-identify', '0.5'], /--adopt-identify works with --enrolled/],
      [['--enrolled', '--adopt-verify', 'high'], /--adopt-verify must be a similarity threshold/],
    ];
    for (const [args, message] of cases) {
      const r = cli('calibrate', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/Run `station --help` for usage/);
      expect(r.stderr).not.toMatch(/Usage: station/);
      expect(r.stdout).toBe('');
    }
    const help = cli('--help');
    expect(help.stdout).toMatch(
      /calibrate --pairs CSV \[--groups CSV\] \| --enrolled \| --folder DIR/,
    );
  });
});
