/**
 * The developers' PAD data as labelled presentations, each tagged with its SOURCE (the public
 * project, or the database, it came from): the unit of leave-one-source-out evaluation. Read
 * in place from ../shared/data (research-only: never copied into the repository).
 *
 * Sources:
 * - spoof_ext/images/<repo> and spoof_ext/videos/<repo>: one source per repository (a repo's
 *   crops and videos come from the same people and devices);
 * - spoof_ext/replay_attack: one source, `replay_attack`, with its own train/devel split
 *   (subject-disjoint, the database's protocol);
 * - spoof/crops/<subject> + spoof/videos/<subject>_*: one source per subject (apfol, zubair,
 *   alexcamargo); spoof/silent_face_samples: one source.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type PadLabel = 'live' | 'attack';

export interface PadPresentation {
  /** Path relative to the data folder (../shared/data). */
  file: string;
  kind: 'image' | 'video';
  label: PadLabel;
  species: string;
  source: string;
  /** Replay-Attack protocol split; undefined elsewhere. */
  split?: 'train' | 'devel';
  /** Seconds of the video to skip (zubair_replay shows the live person first). */
  startSeconds?: number;
}

/** Minimal CSV reader for the data's label files (no quoted commas in them). */
function csvRows(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter(Boolean);
  const head = (lines.shift() ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']));
  });
}

function spoofExt(dataDir: string): PadPresentation[] {
  return csvRows(join(dataDir, 'spoof_ext', 'labels.csv')).map((r) => {
    const file = r.file ?? '';
    const parts = file.split('/');
    const label: PadLabel = r.label === 'live' ? 'live' : 'attack';
    const species = r.species ?? 'unknown';
    if (parts[0] === 'replay_attack') {
      const split = parts[1] === 'train' ? 'train' : 'devel';
      return {
        file: `spoof_ext/${file}`,
        kind: 'image',
        label,
        species,
        source: 'replay_attack',
        split,
      };
    }
    const kind = parts[0] === 'videos' ? 'video' : 'image';
    return { file: `spoof_ext/${file}`, kind, label, species, source: parts[1] ?? 'unknown' };
  });
}

function spoofFolder(dataDir: string): PadPresentation[] {
  const out: PadPresentation[] = [];
  for (const r of csvRows(join(dataDir, 'spoof', 'crops_labels.csv'))) {
    const live = r.label === 'live';
    out.push({
      file: `spoof/${r.image ?? ''}`,
      kind: 'image',
      label: live ? 'live' : 'attack',
      species: live ? 'bona_fide' : 'replay_screen',
      source: `spoof:${r.subject_source ?? ''}`,
    });
  }
  for (const r of csvRows(join(dataDir, 'spoof', 'silent_face_samples', 'labels.csv'))) {
    const live = r.label === 'live';
    out.push({
      file: `spoof/silent_face_samples/${r.image ?? ''}`,
      kind: 'image',
      label: live ? 'live' : 'attack',
      species: live ? 'bona_fide' : 'print_or_screen',
      source: 'spoof:silent_face',
    });
  }
  const videos: [string, PadLabel, string, number][] = [
    ['apfol_real.webm', 'live', 'apfol', 0],
    ['apfol_replay.webm', 'attack', 'apfol', 0],
    ['zubair_real.mov', 'live', 'zubair', 0],
    // The real person stands beside the phone for the first ~1.7 s.
    ['zubair_replay.mp4', 'attack', 'zubair', 2],
  ];
  for (const [name, label, subject, start] of videos) {
    out.push({
      file: `spoof/videos/${name}`,
      kind: 'video',
      label,
      species: label === 'live' ? 'bona_fide' : 'replay_phone',
      source: `spoof:${subject}`,
      ...(start > 0 ? { startSeconds: start } : {}),
    });
  }
  return out;
}

/** Every labelled presentation of spoof_ext and spoof. */
export function padPresentations(dataDir: string): PadPresentation[] {
  return [...spoofExt(dataDir), ...spoofFolder(dataDir)];
}
