import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../src/main/core/ipc/dispatch';
import { createStationHandlers } from '../../src/main/core/ipc/station-handlers';
import type { Station } from '../../src/main/core/station.service';
import { openStation } from '../../src/main/station-factory';
import type {
  AttendanceReport,
  AuditCsvChunk,
  AuditLivePage,
  AuditPage,
} from '../../src/shared/audit-review';
import { frameFromPhoto } from '../support/frame-request';
import { sharedDataPath } from '../support/shared-data';
import { makeTempDir } from '../support/temp-dir';

const bbt = (who: string, i: number) =>
  sharedDataPath('small_identity_sets', 'faceapi_bbt', who, `${who}${i}.png`);

/**
 * The HR admin's people fields and schedules, and the reviewer's names-on-request, live view
 * and attendance, through the same handlers the UI calls, on a real station (SQLite, FAISS,
 * models, faces): names come only from people enrolled now, each reveal is audited without
 * names, erased people stay pseudonyms, and the door obeys a group schedule edited by name.
 */
describe('people management and reviewer views on a real station', () => {
  const tmp = makeTempDir('station-reviewer-');
  let station: Station;
  let handlers: Handlers;
  const ids: Record<string, string> = {};
  let frameId = 0;

  async function call<T>(channel: string, payload: unknown): Promise<T> {
    const r = await dispatch(handlers, channel, payload);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as T;
  }
  async function decide(who: string, i = 4): Promise<string> {
    // Seconds apart on the frames' own clock, longer than a face may go unseen (face-tracker.ts):
    // each call is then a new person at the door, decided afresh, not the previous track's.
    const frame = await frameFromPhoto(station, bbt(who, i), ++frameId);
    return (
      await call<{ decision: string }>('access:frame', { ...frame, capturedAtMs: frameId * 5_000 })
    ).decision;
  }

  beforeAll(async () => {
    station = await openStation({ dataDir: tmp.dir, mode: 'cli' });
    handlers = createStationHandlers(station);
    for (const [who, employeeId, groups] of [
      ['amy', 'E1', ['staff']],
      ['penny', undefined, []],
    ] as const) {
      const images = [1, 2, 3].map((i) => ({
        fileName: `${who}${i}`,
        bytes: readFileSync(bbt(who, i)),
      }));
      const r = await station.intake.enroll({
        name: who,
        consent: true,
        images,
        recordedBy: 'test',
        employeeId,
        groups,
      });
      ids[who] = r.person?.id ?? '';
    }
    station.doorSettings.setAccessPolicy(
      { ...station.access.policy(), requireLiveness: false, agreeFrames: 1, timeZone: 'UTC' },
      'test',
    );
    station.door.reportCamera('Desk Camera');
  }, 300_000);
  afterAll(() => {
    station?.close();
    tmp.cleanup();
  });

  it('edits employee id and groups by person; a taken id is refused', async () => {
    expect(station.directory.list().find((p) => p.name === 'amy')).toMatchObject({
      employeeId: 'E1',
      groups: ['staff'],
    });
    const taken = await dispatch(handlers, 'people:update', {
      personId: ids.penny,
      employeeId: 'e1',
    });
    expect(taken).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: /already used by amy/ },
    });
    const penny = await call('people:update', {
      personId: ids.penny,
      employeeId: 'E2',
      groups: ['lab'],
    });
    expect(penny).toMatchObject({ employeeId: 'E2', groups: ['lab'], schedule: null });
    const row = station.auditAdmin.recent(1)[0];
    expect(row).toMatchObject({ kind: 'enrolment' });
  });

  it('the door follows a group schedule edited by name, and a personal override', async () => {
    expect(await decide('amy')).toBe('granted');
    const h = new Date().getUTCHours();
    // A window that does not hold the current hour (UTC), on every day.
    const closed =
      h < 22
        ? {
            from: `${String(h + 1).padStart(2, '0')}:00`,
            to: `${String(h + 2).padStart(2, '0')}:00`,
          }
        : { from: '00:00', to: '01:00' };
    await call('schedules:set', {
      schedules: {
        later: [{ days: [1, 2, 3, 4, 5, 6, 7], ...closed }],
        always: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
      },
      groupSchedules: { staff: 'later' },
    });
    expect(await decide('amy', 5)).toBe('outside_schedule');
    const missing = await dispatch(handlers, 'people:update', {
      personId: ids.amy,
      schedule: 'nope',
    });
    expect(missing).toMatchObject({ ok: false, error: { message: /no schedule named "nope"/ } });
    await call('people:update', { personId: ids.amy, schedule: 'always' });
    expect(await decide('amy', 4)).toBe('granted');
    // A schedule someone follows personally cannot disappear under them.
    const removing = await dispatch(handlers, 'schedules:set', {
      schedules: {},
      groupSchedules: {},
    });
    expect(removing).toMatchObject({
      ok: false,
      error: { message: /personal schedule of 1 person/ },
    });
    expect(await decide('penny')).toBe('granted');
  });

  it('shows names only on request, audits each reveal without names, and the export stays pseudonymous', async () => {
    const plain = await call<AuditPage>('audit:query', { filter: { kind: 'decision' } });
    expect(plain.revealed).toEqual({});
    const granted = plain.events.filter((e) => e.decision === 'granted');
    expect(granted.length).toBeGreaterThanOrEqual(3);
    const named = await call<AuditPage>('audit:query', {
      filter: { kind: 'decision' },
      reveal: true,
    });
    const names = new Set(Object.values(named.revealed).map((p) => p.name));
    expect(names).toEqual(new Set(['amy', 'penny']));
    const reveal = station.auditAdmin.recent(1)[0]!;
    expect(reveal.kind).toBe('reveal');
    expect(JSON.stringify(reveal)).not.toMatch(/amy|penny/);

    const csv = await call<AuditCsvChunk>('audit:export', { filter: { kind: 'decision' } });
    expect(csv.csv).not.toMatch(/amy|penny/);
    const withNames = await call<AuditCsvChunk>('audit:export', {
      filter: { kind: 'decision' },
      names: true,
    });
    expect(withNames.csv.split('\r\n')[0]).toMatch(/,name,employee_id$/);
    expect(withNames.csv).toMatch(/,amy,E1\r\n/);
  });

  it('live view returns new decisions only; attendance gives first/last per person and day', async () => {
    const start = await call<AuditLivePage>('audit:since', { afterId: null });
    expect(start.events.length).toBeGreaterThanOrEqual(4);
    expect(await decide('penny', 5)).toBe('granted');
    const next = await call<AuditLivePage>('audit:since', { afterId: start.lastId, reveal: true });
    expect(next.events).toHaveLength(1);
    expect(Object.values(next.revealed).map((p) => p.name)).toEqual(['penny']);

    const day = new Date().toISOString().slice(0, 10);
    const range = { from: `${day}T00:00:00.000Z`, to: new Date(Date.now() + 60_000).toISOString() };
    const report = await call<AttendanceReport>('audit:attendance', range);
    expect(report).toMatchObject({ rows: 2, people: 2, timeZone: 'UTC' });
    expect(report.csv).not.toMatch(/amy|penny/);
    const namedReport = await call<AttendanceReport>('audit:attendance', { ...range, names: true });
    const pennyLine = namedReport.csv.split('\r\n').find((l) => l.includes(',penny,'));
    expect(pennyLine).toMatch(
      new RegExp(
        `^${day},[0-9a-f]+,\\d\\d:\\d\\d(:\\d\\d)?,\\d\\d:\\d\\d(:\\d\\d)?,2,UTC,penny,E2$`,
      ),
    );
  });

  it('an erased person stays a pseudonym', async () => {
    station.eraser.erasePerson(ids.amy!);
    const named = await call<AuditPage>('audit:query', {
      filter: { kind: 'decision' },
      reveal: true,
    });
    expect(Object.values(named.revealed).map((p) => p.name)).toEqual(['penny']);
    expect(
      named.events.filter((e) => e.decision === 'granted' && !(e.subject! in named.revealed))
        .length,
    ).toBeGreaterThanOrEqual(2);
  });
});
