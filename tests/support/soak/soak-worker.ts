/**
 * Child process of the kill -9 soak (kill9-soak.ts): opens the real Station on one data folder
 * and runs enrolments, erasures, door decisions over a recording and index rebuilds, chosen by
 * a seeded PRNG, until it is killed. Runs as `node --import tsx soak-worker.ts DATA_DIR SEED`.
 *
 * Its stdout is the parent's evidence, one line each (a pipe write is synchronous on Linux, so
 * a line printed before a step is out before the step starts):
 *   READY                 the station opened
 *   OP <op>               an operation starts
 *   ERASE <json>          what an erasure is about to remove (person, sealed blobs, vectors)
 *   DONE <op>             it ended as it must
 *   FAIL <op> <message>   it ended in a way it never may (the parent reports it)
 */
import sharp from 'sharp';
import { openVideoFrames } from '../../../src/main/adapters/ffmpeg-video-frames';
import type { Station } from '../../../src/main/core/station.service';
import { openStation } from '../../../src/main/station-factory';
import { seededRandom } from './seeded-random';
import { DOOR_CLIP, SOAK_IDENTITIES, soakPhoto } from './soak-photos';
import { snapshotPerson } from './soak-scan';

type Op = 'enroll' | 'erase' | 'door' | 'rebuild';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function chooseOp(enrolled: number, random: () => number): Op {
  if (enrolled < 2) return 'enroll';
  const roll = random();
  if (roll < 0.35 && enrolled < SOAK_IDENTITIES.length) return 'enroll';
  if (roll < 0.6) return 'erase';
  if (roll < 0.8) return 'door';
  return 'rebuild';
}

/**
 * A photo trimmed by a few random pixels on each side: every enrolment stores vectors of its
 * own, so bytes of an erased person are never also the bytes of a later enrolment of the
 * same face (which would make the final scan's findings ambiguous).
 */
async function trimmedPhoto(file: string, random: () => number): Promise<Buffer> {
  const img = sharp(file);
  const { width = 0, height = 0 } = await img.metadata();
  const [l, t, r, b] = [0, 0, 0, 0].map(() => 1 + Math.floor(random() * 8)) as [
    number,
    number,
    number,
    number,
  ];
  return img
    .extract({ left: l, top: t, width: width - l - r, height: height - t - b })
    .png()
    .toBuffer();
}

async function enroll(station: Station, random: () => number, counter: number): Promise<void> {
  const taken = new Set(station.directory.list().map((p) => p.name.split('-')[0]));
  const free = SOAK_IDENTITIES.filter((who) => !taken.has(who));
  const who = free[Math.floor(random() * free.length)]!;
  const r = await station.intake.enroll({
    name: `${who}-${counter}`,
    consent: true,
    recordedBy: 'soak',
    allowDuplicate: true,
    images: await Promise.all(
      [1, 2, 3].map(async (i) => ({
        fileName: `${who}${i}.png`,
        bytes: await trimmedPhoto(soakPhoto(who, i), random),
      })),
    ),
  });
  if (!r.person) throw new Error(`enrolment of ${who} stored nobody`);
}

function erase(station: Station, dataDir: string, random: () => number): void {
  const people = station.directory.list();
  const p = people[Math.floor(random() * people.length)]!;
  const snap = snapshotPerson(dataDir, p.id, p.name);
  say(
    `ERASE ${JSON.stringify({
      personId: snap.personId,
      name: snap.name,
      templates: snap.templates.map((t) => ({
        id: t.id,
        sealed: t.sealed.toString('base64'),
        vector: t.vector.toString('base64'),
      })),
    })}`,
  );
  const report = station.eraser.erasePerson(p.id);
  if (!report.verified) throw new Error(`erasure not verified: ${report.problems.join('; ')}`);
}

async function door(station: Station): Promise<void> {
  const session = station.doors.videoSession('soak.webm');
  const { frames } = await openVideoFrames(DOOR_CLIP, { maxSeconds: 1 });
  let n = 0;
  for await (const img of frames) await session.process(n++, img, img.timestampMs);
}

async function run(dataDir: string, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const station = await openStation({ dataDir, mode: 'cli' });
  say('READY');
  for (let counter = seed * 1000; ; counter++) {
    const op = chooseOp(station.directory.list().length, random);
    say(`OP ${op}`);
    try {
      if (op === 'enroll') await enroll(station, random, counter);
      else if (op === 'erase') erase(station, dataDir, random);
      else if (op === 'door') await door(station);
      else station.galleryAdmin.rebuild(undefined, 'soak');
      say(`DONE ${op}`);
    } catch (err) {
      say(`FAIL ${op} ${err instanceof Error ? err.message : String(err)}`.replace(/\n/g, ' '));
    }
  }
}

const [dataDir, seed] = process.argv.slice(2);
if (!dataDir || !seed) throw new Error('usage: soak-worker DATA_DIR SEED');
run(dataDir, Number(seed)).catch((err: unknown) => {
  say(`FAIL start ${err instanceof Error ? err.message : String(err)}`.replace(/\n/g, ' '));
  process.exitCode = 1;
});
