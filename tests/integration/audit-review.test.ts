import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { AuditReviewService } from '../../src/main/core/audit/audit-review.service';
import { dispatch, type Handlers } from '../../src/main/core/ipc/dispatch';
import { type NewAuditEvent } from '../../src/main/db/audit-log.repository';
import { auditLogOver } from '../../src/main/composition/audit-log';
import {
  AuditQueryRepository,
  type AuditQuerySpec,
} from '../../src/main/db/audit-query.repository';
import { type Db } from '../../src/main/db/connection';
import { AUDIT_PAGE, type AuditFilter, type AuditPage } from '../../src/shared/audit-review';
import type { PersonSummary } from '../../src/shared/domain';
import { stubHandlers } from '../support/stub-handlers';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase } from '../../src/main/composition/station-database';

/**
 * The reviewer's search over a real SQLite file filled through the production append path:
 * every filter combination pages through exactly the rows a plain in-memory filter finds, in
 * (at, id) order, without gaps or repeats, through index-backed queries.
 */

const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const ROWS = 12_000; // > 2 export chunks
const SUBJECT = { ada: 'a'.repeat(64), adaLegacy: 'b'.repeat(64), bob: 'c'.repeat(64) };
const SAM = ['d'.repeat(64), 'e'.repeat(64)];
const PEOPLE: Record<string, { id: string; name: string; subjects: string[] }[]> = {
  ada: [{ id: 'p-ada', name: 'Ada', subjects: [SUBJECT.ada, SUBJECT.adaLegacy] }],
  bob: [{ id: 'p-bob', name: 'Bob', subjects: [SUBJECT.bob] }],
  sam: [
    { id: 'p-sam1', name: 'Sam', subjects: [SAM[0] ?? ''] },
    { id: 'p-sam2', name: 'Sam', subjects: [SAM[1] ?? ''] },
  ],
};

/** Where decision i happened: two doors, and every 7th decision at none (a replay, pre-0070). */
function doorOf(i: number): string | undefined {
  if (i % 7 === 0) return undefined;
  return i % 3 === 0 ? 'back' : 'front';
}

/** Deterministic events; three share each timestamp so ties must be broken by id. */
function event(i: number): NewAuditEvent {
  const at = new Date(T0 + Math.floor(i / 3) * 1000).toISOString();
  if (i % 1000 === 999) {
    return {
      at,
      kind: 'erasure',
      decision: null,
      subjectHmac: null,
      similarity: null,
      details: { templates: 3, consents: 1 },
    };
  }
  if (i % 97 === 0) {
    return {
      at,
      kind: 'enrolment',
      decision: null,
      subjectHmac: SUBJECT.bob,
      similarity: null,
      details: { templates: 5 },
    };
  }
  const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const decision = i % 500 === 7 ? 'spoof_suspected' : h % 10 < 7 ? 'granted' : 'unknown_face';
  const subjects = [SUBJECT.ada, SUBJECT.adaLegacy, SUBJECT.bob, SAM[0], SAM[1]];
  return {
    at,
    kind: 'decision',
    decision,
    subjectHmac: decision === 'granted' ? (subjects[(h >>> 8) % subjects.length] ?? null) : null,
    similarity: decision === 'granted' ? 0.6 : 0.2,
    details: {
      ...(doorOf(i) === undefined ? {} : { door: doorOf(i) }),
      frameId: i,
      faces: 1,
      source: 'terminal',
    },
  };
}

function findPeople(q: string): PersonSummary[] {
  const key = q.toLowerCase().replace(/^p-/, '');
  return (PEOPLE[key] ?? []).map((p) => ({
    id: p.id,
    name: p.name,
    templates: 3,
    enrolledAt: '2026-10-01T00:00:00.000Z',
    employeeId: null,
    groups: [],
    schedule: null,
  }));
}

function subjectsOf(id: string): string[] {
  return Object.values(PEOPLE)
    .flat()
    .filter((p) => p.id === id)
    .flatMap((p) => p.subjects);
}

/** The reference answer: the same filter in plain JS over the events as appended (id = i + 1). */
function expectedIds(f: AuditFilter, order: 'newest' | 'oldest'): number[] {
  const people = f.person === undefined ? null : findPeople(f.person);
  const subjects = people ? new Set(people.flatMap((p) => subjectsOf(p.id))) : null;
  const rows = Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, ...event(i) })).filter(
    (e) =>
      (f.from === undefined || e.at >= f.from) &&
      (f.to === undefined || e.at < f.to) &&
      (f.kind === undefined || e.kind === f.kind) &&
      (f.decision === undefined || e.decision === f.decision) &&
      (f.door === undefined || ('door' in e.details && e.details.door === f.door)) &&
      (subjects === null || (e.subjectHmac !== null && subjects.has(e.subjectHmac))),
  );
  rows.sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  if (order === 'newest') rows.reverse();
  return rows.map((r) => r.id);
}

const iso = (secondsFromT0: number) => new Date(T0 + secondsFromT0 * 1000).toISOString();

const FILTERS: AuditFilter[] = [
  {},
  { from: iso(1000), to: iso(2500) },
  { from: iso(1000) },
  { to: iso(10) },
  { kind: 'erasure' },
  { kind: 'enrolment', from: iso(2000) },
  { decision: 'granted' },
  { decision: 'spoof_suspected' },
  { decision: 'unknown_face', kind: 'decision', from: iso(100), to: iso(3000) },
  { person: 'Ada' },
  { person: 'ada', decision: 'granted', from: iso(500) },
  { person: 'Bob', kind: 'enrolment' },
  { person: 'Sam' },
  { person: 'p-bob', to: iso(1500) },
  { door: 'back' },
  { door: 'back', from: iso(1000), to: iso(2500) },
  { door: 'front', decision: 'granted' },
  { door: 'front', decision: 'spoof_suspected', to: iso(3000) },
  { door: 'back', person: 'Ada', from: iso(100) },
  { door: 'front', kind: 'decision', decision: 'unknown_face', from: iso(100), to: iso(3000) },
  { door: 'front', kind: 'enrolment' },
  { door: 'nowhere' },
];

describe('audit review over a real SQLite file', () => {
  const tmp = makeTempDir('audit-review-');
  let db: Db;
  let queries: AuditQueryRepository;
  let review: AuditReviewService;
  let handlers: Handlers;

  beforeAll(() => {
    db = openDatabase(join(tmp.dir, 'station.sqlite'));
    const log = auditLogOver(db, new AuditMac(randomBytes(32)));
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) log.append(event(i));
    })();
    // One decision with component scores, as a liveness-aware door would record it.
    log.append({
      at: iso(ROWS),
      kind: 'decision',
      decision: 'granted',
      subjectHmac: SUBJECT.ada,
      similarity: 0.71,
      details: {
        frameId: 99,
        source: 'terminal',
        runnerUp: 0.31,
        thresholds: { identify: 0.42, margin: 0.05, minInterEyePx: 40 },
        liveness: { verdict: 'live', score: 0.93, components: { texture: 0.9, motion: 0.8 } },
        faceImageBase64: 'iVBORw0KGgo=',
        crop: [1, 2, 3],
      },
    });
    queries = new AuditQueryRepository(db);
    review = new AuditReviewService({ queries, findPeople, subjectsOf });
    handlers = stubHandlers({
      'audit:query': (r) => Promise.resolve(review.query(r.filter, r.cursor, r.limit)),
      'audit:export': (r) => Promise.resolve(review.exportChunk(r.filter, r.cursor)),
      'audit:detail': (r) => Promise.resolve(review.detail(r.id)),
    });
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  /** Pages through the whole result via the IPC boundary (the renderer's path). */
  async function allPages(filter: AuditFilter, limit: number): Promise<number[]> {
    const ids: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const r = await dispatch(handlers, 'audit:query', {
        filter,
        limit,
        ...(cursor ? { cursor } : {}),
      });
      if (!r.ok) throw new Error(r.error.message);
      const page = r.value as AuditPage;
      expect(page.events.length).toBeLessThanOrEqual(limit);
      ids.push(...page.events.map((e) => e.id));
      if (page.nextCursor === null) return ids;
      expect(page.events).toHaveLength(limit);
      cursor = page.nextCursor;
    }
    throw new Error('too many pages');
  }

  it('pages every filter combination exactly like a plain filter, newest first', async () => {
    for (const filter of FILTERS) {
      const expected = expectedIds(filter, 'newest').filter((id) => id <= ROWS);
      const got = (await allPages(filter, 97)).filter((id) => id <= ROWS);
      expect(got, JSON.stringify(filter)).toEqual(expected);
    }
    // Sanity: the filters do select something, and different things.
    expect(expectedIds({ person: 'Ada' }, 'newest').length).toBeGreaterThan(100);
    expect(expectedIds({ kind: 'erasure' }, 'newest')).toHaveLength(12);
    expect(expectedIds({ decision: 'spoof_suspected' }, 'newest').length).toBeGreaterThan(10);
    const back = expectedIds({ door: 'back' }, 'newest').length;
    const front = expectedIds({ door: 'front' }, 'newest').length;
    expect(back).toBeGreaterThan(2000);
    expect(front).toBeGreaterThan(back);
    // Rows at no door (enrolments, erasures, every 7th decision) are in neither.
    expect(back + front).toBeLessThan(expectedIds({ kind: 'decision' }, 'newest').length);
    expect(
      expectedIds({ door: 'back', person: 'Ada', from: iso(100) }, 'newest').length,
    ).toBeGreaterThan(50);
  });

  it('lists the distinct doors of the log, and each review row names its door', () => {
    expect(review.doors()).toEqual(['back', 'front']);
    const page = review.query({}, undefined, 30);
    for (const e of page.events) {
      const i = e.id - 1;
      const door = i < ROWS && event(i).kind === 'decision' ? (doorOf(i) ?? null) : null;
      expect(e.door, `event ${e.id}`).toBe(door);
    }
    expect(
      review.query({ door: 'back' }, undefined, 5).events.every((e) => e.door === 'back'),
    ).toBe(true);
  });

  it('a page ends exactly at the last row: no empty trailing page', () => {
    const n = expectedIds({ kind: 'erasure' }, 'newest').length;
    const r = review.query({ kind: 'erasure' }, undefined, n);
    expect(r.events).toHaveLength(n);
    expect(r.nextCursor).toBeNull();
  });

  it('names the matched people; an unknown or erased person is a clear error', async () => {
    expect(review.query({ person: 'Sam' }, undefined, 5).people.map((p) => p.id)).toEqual([
      'p-sam1',
      'p-sam2',
    ]);
    const r = await dispatch(handlers, 'audit:query', { filter: { person: 'Nobody' } });
    expect(r).toMatchObject({ ok: false, error: { code: 'PERSON_NOT_FOUND' } });
    if (!r.ok) expect(r.error.message).toContain('erased person');
  });

  it('exports the same filter as CSV in chunks, oldest first, header once', async () => {
    let csv = '';
    let cursor: string | undefined;
    let chunks = 0;
    do {
      const r = await dispatch(handlers, 'audit:export', {
        filter: {},
        ...(cursor ? { cursor } : {}),
      });
      if (!r.ok) throw new Error(r.error.message);
      const chunk = r.value as { csv: string; rows: number; nextCursor: string | null };
      expect(chunk.rows).toBeLessThanOrEqual(AUDIT_PAGE.exportChunk);
      csv += chunk.csv;
      cursor = chunk.nextCursor ?? undefined;
      chunks++;
    } while (cursor !== undefined);
    expect(chunks).toBe(3);
    const lines = csv.split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe('id,at,kind,decision,subject_hmac,similarity,details,prev_mac,mac,door');
    expect(lines).toHaveLength(ROWS + 2);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(
      Array.from({ length: ROWS + 1 }, (_, i) => i + 1),
    );

    const erasures = review.exportChunk({ kind: 'erasure', from: iso(2000) }, undefined);
    const body = erasures.csv
      .split('\r\n')
      .filter((l) => l.length > 0)
      .slice(1);
    expect(body.map((l) => Number(l.split(',')[0]))).toEqual(
      expectedIds({ kind: 'erasure', from: iso(2000) }, 'oldest'),
    );
    expect(erasures.nextCursor).toBeNull();

    // The door filter exports too; the door column (last) names it on every line.
    const backDay = review.exportChunk({ door: 'back', from: iso(1000), to: iso(1100) }, undefined);
    const backLines = backDay.csv
      .split('\r\n')
      .filter((l) => l.length > 0)
      .slice(1);
    expect(backLines.map((l) => Number(l.split(',')[0]))).toEqual(
      expectedIds({ door: 'back', from: iso(1000), to: iso(1100) }, 'oldest'),
    );
    expect(backLines.length).toBeGreaterThan(50);
    expect(backLines.every((l) => l.endsWith(',back'))).toBe(true);
  });

  it('shows one event with its component scores, never image data', async () => {
    const r = await dispatch(handlers, 'audit:detail', { id: ROWS + 1 });
    expect(r).toMatchObject({
      ok: true,
      value: {
        event: { id: ROWS + 1, kind: 'decision', decision: 'granted', subject: SUBJECT.ada },
        scores: {
          similarity: 0.71,
          runnerUp: 0.31,
          margin: 0.4,
          thresholds: { identify: 0.42, margin: 0.05, minInterEyePx: 40 },
          liveness: { verdict: 'live', score: 0.93, 'components.texture': 0.9 },
        },
        facts: { frameId: 99, source: 'terminal' },
      },
    });
    expect(JSON.stringify(r)).not.toMatch(/iVBOR|faceImage|crop/);
    const plain = review.detail(5);
    expect(plain.scores).toEqual({
      similarity: expect.any(Number) as number,
      margin: null,
      runnerUp: null,
      thresholds: null,
      liveness: null,
    });
    expect(await dispatch(handlers, 'audit:detail', { id: 10 ** 9 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('no audit event') as string },
    });
  });

  it('serves every filter shape from an index, sorted by it (no full scan, no sort)', () => {
    const spec = (s: Partial<AuditQuerySpec>): AuditQuerySpec => ({
      from: null,
      to: null,
      kind: null,
      decision: null,
      subjects: null,
      door: null,
      after: { at: iso(500), id: 1500 },
      order: 'newest',
      limit: 51,
      ...s,
    });
    const shapes: Partial<AuditQuerySpec>[] = [
      {},
      { from: iso(1), to: iso(5) },
      { kind: 'erasure' },
      { decision: 'granted', from: iso(1) },
      { decision: 'granted', kind: 'decision' },
      { subjects: [SUBJECT.bob], decision: 'granted', to: iso(900) },
      { subjects: [SUBJECT.bob], order: 'oldest' },
      { door: 'back' },
      { door: 'back', from: iso(1), to: iso(5) },
      { door: 'front', decision: 'granted', from: iso(1) },
      { door: 'front', order: 'oldest', to: iso(900) },
      { door: 'front', kind: 'decision' },
    ];
    for (const s of shapes) {
      const plan = queries.plan(spec(s));
      expect(plan, JSON.stringify(s)).toMatch(/USING (COVERING )?INDEX audit_/);
      expect(plan, JSON.stringify(s)).not.toMatch(/TEMP B-TREE/);
    }
    // Two subjects (a person from before migration 0030): still the subject index, plus a sort
    // of that one person's rows.
    expect(queries.plan(spec({ subjects: [SUBJECT.ada, SUBJECT.adaLegacy] }))).toMatch(
      /INDEX audit_subject/,
    );
    // The door's own indexes (0070, partial: rows at no door are not in them).
    expect(queries.plan(spec({ door: 'back', from: iso(1) }))).toMatch(
      /INDEX audit_door_at \(door=\? AND at/,
    );
    expect(queries.plan(spec({ door: 'back', decision: 'granted' }))).toMatch(
      /INDEX audit_door_decision_at \(door=\? AND decision=\?/,
    );
  });
});
