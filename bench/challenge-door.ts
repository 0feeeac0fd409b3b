/**
 * The door with passive liveness + the active challenge on every video of ../shared/data
 * (issue 12): attack videos (APCER), live videos (BPCER) and action clips (time to answer).
 *
 *   npx tsx bench/challenge-door.ts [--tries 4] [--max-fps 10] [--json]
 *
 * Each presentation is played through the whole door (`station.doors.videoSession`: the
 * station's detector, tracking, liveness window, challenge, rules) with the default settings
 * (challenge when_uncertain, 2 actions, 8 s), on the recording's own clock, at most --max-fps
 * frames a second (what a door terminal answers). People are enrolled from stills of their own
 * live footage (bench/lib/challenge-presentations.ts).
 *
 * - Attacks: each is presented --tries times, each time with a fresh random challenge (the
 *   station's CSPRNG chooser). APCER = attacks let in at least once / attacks.
 * - Live videos: a recording cannot answer a random challenge, so a live video counts as a
 *   pass when the door grants it outright (passive evidence clearly live) or asks it a
 *   challenge (a live person answers it: see the action clips); it fails when refused before
 *   any challenge (spoof_suspected, unknown_face) or never decided.
 * - Action clips: real footage that faces the camera and then performs an action, asked that
 *   action (injected chooser): passed or not, and the time from the instruction to the grant
 *   on the recording's clock. The footage does not wait for the instruction, so the time is
 *   that of a person who starts moving at once (no reading or reaction time).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openVideoFrames } from '../src/main/adapters/ffmpeg-video-frames';
import {
  randomChallengeChooser,
  type ChallengeChooser,
} from '../src/main/core/challenge/challenge-chooser';
import type { Station } from '../src/main/core/station.service';
import { openStation } from '../src/main/station-factory';
import type { FrameResult } from '../src/shared/contract';
import { sharedDataPath } from '../tests/support/shared-data';
import { makeTempDir } from '../tests/support/temp-dir';
import { extractStills } from '../tests/support/video-clips';
import { load1, median } from './lib/bench-stats';
import {
  ACTION_CLIPS,
  ATTACKS,
  LIVE,
  PEOPLE,
  type Presentation,
} from './lib/challenge-presentations';

const { values } = parseArgs({
  options: {
    tries: { type: 'string', default: '4' },
    /** Comma-separated parts to run: attacks, live, actions (default: all three). */
    parts: { type: 'string', default: 'attacks,live,actions' },
    'max-fps': { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const TRIES = Number(values.tries);
const MAX_FPS = Number(values['max-fps']);
const PARTS = new Set(values.parts.split(','));

interface Outcome {
  name: string;
  species: string;
  /** Final decisions in order (first per track). */
  decisions: string[];
  challenged: boolean;
  granted: boolean;
  /** Recording time from the first challenge frame to the grant (ms), when granted after one. */
  answerMs: number | null;
  asked: string[];
}

const tmp = makeTempDir('bench-challenge-door-');
let chooser: ChallengeChooser = randomChallengeChooser;

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'pipe' });
}

/** The presentation's video file: the shared clip itself, or a synthetic one made now. */
function sourceOf(p: Presentation & { mirror?: boolean }): { file: string; start: number } {
  const file = sharedDataPath(...p.file.split('/'));
  const filter = p.synth ?? (p.mirror ? 'hflip' : null);
  if (!filter) return { file, start: p.start };
  const out = join(tmp.dir, `${p.name.replace(/[^\w]+/g, '_')}.mp4`);
  ffmpeg([
    ...['-ss', String(p.start), '-i', file, '-vf', filter, '-t', String(p.seconds)],
    ...['-an', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', out],
  ]);
  return { file: out, start: 0 };
}

async function present(station: Station, p: Presentation & { mirror?: boolean }): Promise<Outcome> {
  const { file, start } = sourceOf(p);
  const session = station.doors.videoSession(p.name);
  const { frames } = await openVideoFrames(file, {
    startSeconds: start,
    maxSeconds: p.seconds,
    maxFps: MAX_FPS,
  });
  const results: { t: number; r: FrameResult }[] = [];
  let i = 0;
  for await (const img of frames)
    results.push({ t: img.timestampMs, r: await session.process(i++, img, img.timestampMs) });
  const decisions: string[] = [];
  let last = '';
  for (const { r } of results) {
    const key = r.phase === 'decided' ? (r.decision ?? '') : '';
    if (key && key !== last) decisions.push(key);
    last = key;
  }
  const firstChallenge = results.find((x) => x.r.phase === 'challenge');
  const grant = results.find((x) => x.r.decision === 'granted');
  return {
    name: p.name,
    species: p.species,
    decisions,
    challenged: firstChallenge !== undefined,
    granted: session.unlocks() > 0,
    answerMs:
      firstChallenge && grant && grant.t >= firstChallenge.t ? grant.t - firstChallenge.t : null,
    asked: firstChallenge?.r.challenge?.actions ?? [],
  };
}

async function enrolAll(station: Station): Promise<void> {
  for (const person of PEOPLE) {
    const dir = join(tmp.dir, `enrol-${person.name}`);
    execFileSync('mkdir', ['-p', dir]);
    const stills = extractStills(
      sharedDataPath(...person.file.split('/')),
      dir,
      { start: person.start, duration: 2 },
      3,
      person.name,
    );
    const r = await station.intake.enroll({
      name: person.name,
      consent: true,
      images: stills.map((f) => ({ fileName: f, bytes: readFileSync(f) })),
      recordedBy: 'bench',
    });
    if (!r.person)
      console.error(`[enrol] ${person.name}: ${r.files.map((f) => f.status).join(',')}`);
  }
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  const loadStart = load1();
  const station = await openStation({
    dataDir: join(tmp.dir, 'data'),
    mode: 'cli',
    challengeChooser: (allowed, n) => chooser(allowed, n),
  });
  // Hundreds of refusals in minutes of recording time: the lockout would hide the outcomes.
  const policy = station.access.policy();
  station.doorSettings.setAccessPolicy(
    { ...policy, lockout: { ...policy.lockout, maxFailures: 1000 } },
    'bench',
  );
  const s = station.access.challenge();
  try {
    await enrolAll(station);
    chooser = randomChallengeChooser;
    const attacks: Outcome[][] = [];
    for (const a of PARTS.has('attacks') ? ATTACKS : []) {
      const tries: Outcome[] = [];
      for (let k = 0; k < TRIES; k++) tries.push(await present(station, a));
      attacks.push(tries);
      console.error(
        `[attack] ${a.name}: ${tries.map((t) => t.decisions.join('>') || '-').join(' | ')}`,
      );
    }
    const live: Outcome[] = [];
    for (const p of PARTS.has('live') ? LIVE : []) {
      const o = await present(station, p);
      live.push(o);
      console.error(
        `[live] ${p.name}: ${o.decisions.join('>') || '-'}${o.challenged ? ' (challenged)' : ''}`,
      );
    }
    const actions: Outcome[] = [];
    // Action clips are asked their action whatever their texture: the answer is what is timed.
    if (PARTS.has('actions')) station.doorSettings.setChallenge({ ...s, mode: 'always' }, 'bench');
    for (const c of PARTS.has('actions') ? ACTION_CLIPS : []) {
      chooser = () => [...c.actions];
      const o = await present(station, c);
      actions.push(o);
      console.error(`[action] ${c.name}: ${o.decisions.join('>') || '-'} ${o.answerMs ?? ''}`);
    }
    report({ attacks, live, actions, loadStart, loadEnd: load1(), settings: s });
  } finally {
    station.close();
    tmp.cleanup();
  }
}

function report(r: {
  attacks: Outcome[][];
  live: Outcome[];
  actions: Outcome[];
  loadStart: number;
  loadEnd: number;
  settings: { mode: string; actions: number; timeLimitMs: number };
}): void {
  if (values.json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const lines: string[] = [];
  lines.push(
    `Settings: challenge ${r.settings.mode} (unless live with a clear_live passive PAD band), ${r.settings.actions} actions, ${r.settings.timeLimitMs / 1000} s; at most ${MAX_FPS} frames/s; ${TRIES} random challenges per attack; 1-min load ${r.loadStart.toFixed(1)} -> ${r.loadEnd.toFixed(1)}.`,
    '',
    row(['attack', 'species', 'tries', 'let in', 'decisions (one try per cell)']),
    row(['---', '---', '---:', '---:', '---']),
  );
  for (const tries of r.attacks) {
    const first = tries[0]!;
    lines.push(
      row([
        first.name,
        first.species,
        tries.length,
        tries.filter((t) => t.granted).length,
        tries.map((t) => t.decisions.join(' > ') || 'none').join(' / '),
      ]),
    );
  }
  const apcer = r.attacks.filter((t) => t.some((o) => o.granted)).length;
  if (r.attacks.length)
    lines.push('', `APCER: ${apcer}/${r.attacks.length} attacks let in at least once.`, '');
  lines.push(row(['live video', 'outcome', 'decisions']), row(['---', '---', '---']));
  let fails = 0;
  for (const o of r.live) {
    const pass =
      o.granted && !o.challenged
        ? 'granted (clearly live)'
        : o.challenged
          ? `challenged (${o.asked.join(', ')})`
          : 'REFUSED';
    if (pass === 'REFUSED') fails++;
    lines.push(row([o.name, pass, o.decisions.join(' > ') || 'none']));
  }
  lines.push(
    '',
    `BPCER: ${fails}/${r.live.length} live videos refused before any challenge or never decided.`,
    '',
  );
  lines.push(
    row(['action clip', 'asked', 'result', 'instruction to grant']),
    row(['---', '---', '---', '---:']),
  );
  for (const o of r.actions)
    lines.push(
      row([
        o.name,
        o.asked.join(' + '),
        o.decisions.join(' > ') || 'none',
        o.answerMs === null ? '-' : `${(o.answerMs / 1000).toFixed(2)} s`,
      ]),
    );
  const times = r.actions.map((o) => o.answerMs).filter((x): x is number => x !== null);
  lines.push(
    '',
    `Passed ${times.length}/${r.actions.length}; median time from instruction to grant: ${(median(times) / 1000).toFixed(2)} s.`,
  );
  console.log(lines.join('\n'));
}

void main();
