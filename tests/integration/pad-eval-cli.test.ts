import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDataPath } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';

/**
 * `station pad-eval --labels CSV` end to end through the real CLI, models and ffmpeg, on a
 * handful of real presentations from ../shared/data (paths in the CSV are relative to it, or
 * absolute), plus an unreadable and a missing file, a malformed and an empty labels file.
 */
const tmp = makeTempDir('station-pad-eval-');
const station = stationCli(join(tmp.dir, 'data'));
afterAll(() => tmp.cleanup());

type Json = {
  bands: { spoofBelow: number; clearLiveMin: number; origin: string };
  presentations: { judged: number; skipped: number };
  summary: {
    apcer: { species: string; errors: number; total: number; ci95: [number, number] }[];
    bpcer: { errors: number; total: number; rate: number; ci95: [number, number] };
    acer: { value: number | null; ci95: [number, number] | null };
    sources: { source: string; live: number; attack: number; skipped: number }[];
    skipped: { file: string; line: number; reason: string }[];
  };
  files: { file: string; kind: string; decision: string; band: string; score: number }[];
};

function excerpt(src: string, name: string, start: number, seconds: number): string {
  const out = join(tmp.dir, name);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-ss',
    String(start),
    '-t',
    String(seconds),
    '-i',
    src,
    '-an',
    '-c:v',
    'libx264',
    '-crf',
    '18',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  return name;
}

let labels: string;
beforeAll(() => {
  const ra = sharedDataPath('spoof_ext', 'replay_attack', 'devel');
  writeFileSync(join(tmp.dir, 'broken.jpg'), 'not an image');
  const rows = [
    'file,label,species,note',
    `${join(ra, 'devel__real__real__client003_session01_webcam_authenticate_adverse_1', 'frame_00197.jpg')},live,bona_fide,x`,
    `${join(ra, 'devel__attack__hand__attack_print_client003_session01_highdef_photo_adverse', 'frame_00121.jpg')},attack,print_hand,y`,
    `${excerpt(sharedDataPath('spoof', 'videos', 'zubair_real.mov'), 'live.mp4', 0, 2)},live,bona_fide,`,
    `${excerpt(sharedDataPath('spoof', 'videos', 'zubair_replay.mp4'), 'replay.mp4', 2, 2)},attack,replay_phone,`,
    'broken.jpg,attack,print_hand,',
    'missing.mp4,live,bona_fide,',
  ];
  labels = join(tmp.dir, 'labels.csv');
  writeFileSync(labels, `${rows.join('\n')}\n`);
});

describe('station pad-eval', () => {
  it('judges stills and videos, reports APCER per species, BPCER and ACER with intervals', () => {
    const r = station('pad-eval', '--labels', labels, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = r.json as Json;
    expect(j.presentations).toEqual({ judged: 4, skipped: 2 });
    expect(j.bands.origin).toBe('model_default');
    expect(j.summary.apcer.map((a) => [a.species, a.total])).toEqual([
      ['print_hand', 1],
      ['replay_phone', 1],
    ]);
    expect(j.summary.bpcer.total).toBe(2);
    for (const a of [...j.summary.apcer, j.summary.bpcer]) {
      expect(a.ci95[0]).toBeLessThanOrEqual(a.ci95[1]);
    }
    expect(j.summary.acer.ci95).not.toBeNull();
    const byKind = Object.fromEntries(j.files.map((f) => [f.file, f.kind]));
    expect(byKind['live.mp4']).toBe('video');
    expect(Object.values(byKind).filter((k) => k === 'image')).toHaveLength(2);
    // The replayed phone clip is not let in (spoof or never conclusive).
    expect(j.files.find((f) => f.file === 'replay.mp4')?.decision).not.toBe('live');
    expect(j.summary.skipped).toEqual([
      expect.objectContaining({ file: 'broken.jpg', line: 6, reason: 'unreadable' }),
      expect.objectContaining({ file: 'missing.mp4', line: 7, reason: 'unreadable' }),
    ]);
  });

  it('--csv prints one row per file, the skipped ones with their reason', () => {
    const r = station('pad-eval', '--labels', labels, '--csv');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'file,line,label,species,source,kind,decision,band,score,frames,reasons,skipped',
    );
    expect(lines).toHaveLength(7);
    expect(lines.find((l) => l.startsWith('broken.jpg,'))).toMatch(/unreadable: /);
  });

  it('--bands judges with other passive bands (a proposal) without storing them', () => {
    const stills = join(tmp.dir, 'stills.csv');
    writeFileSync(stills, readFileSync(labels, 'utf8').split('\n').slice(0, 3).join('\n'));
    const lax = station('pad-eval', '--labels', stills, '--bands', '0,0', '--json');
    expect(lax.code).toBe(0);
    const j = lax.json as Json & { bands: { given: boolean } };
    expect(j.bands).toMatchObject({ spoofBelow: 0, clearLiveMin: 0, given: true });
    // With "clearly live" from 0, the printed photo passes: the APCER shows it.
    expect(j.summary.apcer[0]).toMatchObject({ species: 'print_hand', errors: 1, total: 1 });
    const back = station('pad-eval', '--labels', stills, '--json');
    expect((back.json as Json).bands.origin).toBe('model_default');
    const bad = station('pad-eval', '--labels', stills, '--bands', '0.7,0.2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--bands needs SPOOF_BELOW,CLEAR_LIVE_MIN/);
  });

  it('says which line of a malformed labels file is wrong, and refuses an empty one', () => {
    const bad = join(tmp.dir, 'bad.csv');
    writeFileSync(bad, 'file,label,species\nlive.mp4,live,bona_fide\nreplay.mp4,fake,replay\n');
    const r = station('pad-eval', '--labels', bad, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv line 3: label must be live or attack, got "fake"/);
    const empty = join(tmp.dir, 'empty.csv');
    writeFileSync(empty, '');
    const e = station('pad-eval', '--labels', empty);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/empty\.csv line 1: the file is empty/);
    expect(station('pad-eval').code).toBe(2);
  });
});
