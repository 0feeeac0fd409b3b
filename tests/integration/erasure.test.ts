import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/ipc/dispatch';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { openStation } from '../../src/main/station-factory';
import { StationError } from '../../src/shared/errors';
import { frameFromPhoto } from '../support/frame-request';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

/** This test's own scan, independent of the service's: which files hold any of the needles. */
function filesHolding(files: string[], needles: Buffer[]): string[] {
  return files.filter((f) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f);
    } catch {
      return false;
    }
    return needles.some((n) => bytes.includes(n));
  });
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StationError ? err.code : String(err);
  }
  return undefined;
}

describe('erasure (GDPR Art. 17) with real SQLite, FAISS, models and faces', () => {
  const tmp = makeTempDir('station-erasure-');
  const paths = dataPaths(tmp.dir);
  const files = [paths.database, `${paths.database}-wal`, paths.galleryIndex];
  let station: Station;
  let amyId = '';
  let pennyId = '';
  /** Amy's stored vectors as raw bytes, read straight from the file before erasure. */
  let amyBlobs: Buffer[] = [];

  beforeAll(async () => {
    station = await openStation({ dataDir: tmp.dir, mode: 'cli' });
    for (const who of ['amy', 'penny']) {
      const images = [1, 2, 3].map((i) => ({
        fileName: `${who}${i}`,
        bytes: readFileSync(bbt(who, i)),
      }));
      const r = await station.intake.enroll({
        name: who,
        consent: true,
        images,
        recordedBy: 'test',
      });
      if (who === 'amy') amyId = r.person?.id ?? '';
      else pennyId = r.person?.id ?? '';
    }
    const handlers = createStationHandlers(station);
    // Grants from single still photos (a supervised desk: no liveness, one frame) so that both
    // people have decision rows in the audit log before the erasure.
    station.doorSettings.setAccessPolicy(
      { ...station.access.policy(), requireLiveness: false, agreeFrames: 1 },
      'test',
    );
    station.door.reportCamera('Desk Camera');
    for (const [i, who] of ['amy', 'penny'].entries()) {
      const r = await dispatch(
        handlers,
        'access:frame',
        await frameFromPhoto(station, bbt(who, 4), i),
      );
      expect(r).toMatchObject({ ok: true, value: { decision: 'granted' } });
    }
    const raw = new Database(paths.database, { readonly: true });
    amyBlobs = raw
      .prepare<[string], { vector: Buffer }>('SELECT vector FROM templates WHERE person_id = ?')
      .all(amyId)
      .map((r) => r.vector);
    raw.close();
  }, 300_000);
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  it('erases the person, and verifies it in search and on disk', async () => {
    expect(amyBlobs).toHaveLength(3);
    const needles = amyBlobs.flatMap((b) => [b, b.subarray(0, 64), b.subarray(b.length - 64)]);
    // Positive control: before erasure the scan does find the vectors on disk.
    expect(filesHolding(files, needles).length).toBeGreaterThan(0);
    // The door command of amy's grant is linked to her too (unlock on her behalf).
    const amyEvents = station.auditAdmin.eventsOf(amyId);
    expect(amyEvents.map((e) => e.kind)).toEqual(['enrolment', 'decision', 'door']);
    const rowsBefore = station.auditAdmin.verifyChain().rows;

    const report = station.eraser.erasePerson(amyId);
    expect(report).toEqual({
      erased: { id: amyId, name: 'amy' },
      templates: 3,
      verified: true,
      problems: [],
    });
    expect(station.directory.list().map((p) => p.name)).toEqual(['penny']);
    expect(filesHolding(files, needles)).toEqual([]);
    for (const i of [1, 2, 3, 4, 5]) {
      const faces = await station.recognition.identify(readFileSync(bbt('amy', i)), `amy${i}`);
      expect(faces.some((f) => f.decision === 'granted')).toBe(false);
      expect(faces.some((f) => f.person?.id === amyId)).toBe(false);
    }
    const penny = await station.recognition.identify(readFileSync(bbt('penny', 5)), 'penny5');
    expect(penny[0]).toMatchObject({ decision: 'granted', person: { id: pennyId } });

    // The chain still verifies, one erasure row longer, and that row names no one.
    expect(station.auditAdmin.verifyChain()).toEqual({
      ok: true,
      rows: rowsBefore + 1,
      firstBrokenRow: null,
      reason: null,
    });
    expect(station.auditAdmin.recent(1)[0]).toMatchObject({ kind: 'erasure', subject: null });
    // Amy's old rows are still there, but nothing can link them to her any more.
    expect(station.auditAdmin.eventsOf(amyId)).toEqual([]);
    expect(errorCode(() => station.auditAdmin.subjectOf(amyId))).toBe('PERSON_NOT_FOUND');
    const raw = new Database(paths.database, { readonly: true });
    const count = (sql: string, ...args: string[]) =>
      (raw.prepare(sql).get(...args) as { n: number }).n;
    for (const e of amyEvents) {
      expect(
        count(
          'SELECT COUNT(*) AS n FROM audit_events WHERE id = ? AND subject_hmac = ?',
          String(e.id),
          e.subject ?? '',
        ),
      ).toBe(1);
    }
    expect(count('SELECT COUNT(*) AS n FROM person_links WHERE person_id = ?', amyId)).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM consents WHERE person_id = ?', amyId)).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM person_links WHERE person_id = ?', pennyId)).toBe(1);
    raw.close();
    expect(station.auditAdmin.eventsOf(pennyId).map((e) => e.kind)).toEqual([
      'enrolment',
      'decision',
      'door',
    ]);
  });

  it('refuses an unknown id', () => {
    expect(errorCode(() => station.eraser.erasePerson('no-such-id'))).toBe('PERSON_NOT_FOUND');
  });
});

describe('erasure seen by a second station on the same data folder', () => {
  const tmp = makeTempDir('station-erasure-two-');
  const paths = dataPaths(tmp.dir);
  afterAll(() => tmp.cleanup());

  const images = (who: string) =>
    [1, 2, 3].map((i) => ({ fileName: `${who}${i}`, bytes: readFileSync(bbt(who, i)) }));

  it('an enrolment in the other station does not write the erased vectors back', async () => {
    const admin = await openStation({ dataDir: tmp.dir, mode: 'cli' });
    const terminal = await openStation({ dataDir: tmp.dir, mode: 'browser' });
    try {
      const amy = await admin.intake.enroll({
        name: 'amy',
        consent: true,
        images: images('amy'),
        recordedBy: 't',
      });
      // The terminal loads Amy into its in-memory index by searching once.
      const before = await terminal.recognition.identify(readFileSync(bbt('amy', 4)), 'amy4');
      expect(before[0]).toMatchObject({ decision: 'granted' });
      const raw = new Database(paths.database, { readonly: true });
      const blobs = raw
        .prepare<[string], { vector: Buffer }>('SELECT vector FROM templates WHERE person_id = ?')
        .all(amy.person?.id ?? '')
        .map((r) => r.vector);
      raw.close();
      expect(admin.eraser.erasePerson(amy.person?.id ?? '').verified).toBe(true);
      // The terminal enrols next, without a search in between that would refresh its index.
      await terminal.intake.enroll({
        name: 'penny',
        consent: true,
        images: images('penny'),
        recordedBy: 't',
      });
      expect(filesHolding([paths.galleryIndex], blobs)).toEqual([]);
      const after = await terminal.recognition.identify(readFileSync(bbt('amy', 4)), 'amy4');
      expect(after.some((f) => f.decision === 'granted')).toBe(false);
      const penny = await admin.recognition.identify(readFileSync(bbt('penny', 4)), 'penny4');
      expect(penny[0]).toMatchObject({ decision: 'granted', person: { name: 'penny' } });
    } finally {
      terminal.close();
      admin.close();
    }
  }, 300_000);
});
