import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditMac } from '../../src/main/core/audit/audit-mac';
import { IdentityHasher } from '../../src/main/core/audit/identity-hasher';
import { dataPaths } from '../../src/main/core/util/data-dir';
import { loadOrCreateKey } from '../../src/main/core/util/key-file';
import { auditLogOver } from '../../src/main/composition/audit-log';
import { PersonLinksRepository } from '../../src/main/db/person-links.repository';
import { sharedDataDir } from '../support/shared-data';
import { stationCli } from '../support/station-cli-runner';
import { makeTempDir } from '../support/temp-dir';
import { openDatabase } from '../../src/main/composition/station-database';

const tmp = makeTempDir('station-audit-cli-');
const dataDir = join(tmp.dir, 'data');

afterAll(() => tmp.cleanup());

const station = stationCli(dataDir);

/** Minimal RFC 4180 reader for checking the export (quoted fields may hold , " CR LF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

let personId = '';
let subject = '';

beforeAll(() => {
  const bbt = join(sharedDataDir(), 'small_identity_sets', 'faceapi_bbt');
  const photos = [1, 2, 3].map((i) => join(bbt, 'amy', `amy${i}.png`));
  const enrolled = station(
    'enroll',
    '--name',
    'Amy Farrah Fowler',
    '--consent',
    ...photos,
    '--json',
  );
  expect(enrolled.code).toBe(0);
  personId = (enrolled.json as { person: { id: string } }).person.id;
  const paths = dataPaths(dataDir);
  const db = openDatabase(paths.database);
  const links = new PersonLinksRepository(db);
  subject =
    new IdentityHasher(loadOrCreateKey(paths.pepperKey), (id) => links.find(id)).subject(
      personId,
    ) ?? '';
  expect(subject).toMatch(/^[0-9a-f]{64}$/);
  // Three more events of Amy on known days, with text that needs CSV quoting.
  const repo = auditLogOver(db, new AuditMac(loadOrCreateKey(paths.auditMacKey)));
  for (const day of [1, 2, 3]) {
    repo.append({
      at: `2025-06-0${day}T12:00:00.000Z`,
      kind: 'decision',
      decision: 'granted',
      subjectHmac: subject,
      similarity: 0.5 + day / 10,
      details: { door: 'front, "main"', note: 'line1\nline2' },
    });
  }
  db.close();
}, 300_000);

describe('station audit (plain Node CLI, real database)', () => {
  it('audit query --person finds the events by name and by id, never storing the name', () => {
    for (const who of ['amy farrah fowler', personId]) {
      const r = station('audit', 'query', '--person', who, '--json');
      expect(r.code).toBe(0);
      const out = r.json as {
        people: { id: string }[];
        events: { kind: string; subject: string }[];
      };
      expect(out.people.map((p) => p.id)).toEqual([personId]);
      // Log order (id), the enrolment first even though the later rows carry older dates.
      expect(out.events.map((e) => e.kind)).toEqual([
        'enrolment',
        'decision',
        'decision',
        'decision',
      ]);
      expect(out.events.every((e) => e.subject === subject)).toBe(true);
    }
    const none = station('audit', 'query', '--person', 'Nobody', '--json');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/PERSON_NOT_FOUND/);
    expect(station('audit', 'query').code).toBe(2);
  });

  it("audit query --door lists a door's events (exact id), alone or with --person and a time range", () => {
    const door = 'front, "main"';
    type Out = { people: { id: string }[]; events: { id: number; door: string | null }[] };
    const atDoor = station('audit', 'query', '--door', door, '--json');
    expect(atDoor.code).toBe(0);
    const out = atDoor.json as Out;
    expect(out.people).toEqual([]);
    expect(out.events.map((e) => e.id)).toEqual([2, 3, 4]);
    expect(out.events.every((e) => e.door === door)).toBe(true);
    const both = station(
      'audit',
      'query',
      '--person',
      'Amy Farrah Fowler',
      '--door',
      door,
      '--to',
      '2025-06-03',
      '--json',
    ).json as Out;
    expect(both.people.map((p) => p.id)).toEqual([personId]);
    expect(both.events.map((e) => e.id)).toEqual([2, 3]);
    // Exact match only: no prefix or pattern matching.
    expect((station('audit', 'query', '--door', 'front', '--json').json as Out).events).toEqual([]);
    expect(station('audit', 'query', '--door', door).stdout).toMatch(
      /^3 event\(s\) for door front/,
    );
    expect(station('audit', 'query', '--door', 'x'.repeat(65)).code).toBe(2);
  });

  it('audit export --csv writes RFC 4180 with a header, hashes only, filtered by --from/--to', () => {
    const all = station('audit', 'export', '--csv');
    expect(all.code).toBe(0);
    expect(all.stdout).not.toMatch(/Amy/i);
    const rows = parseCsv(all.stdout);
    expect(rows[0]).toEqual([
      'id',
      'at',
      'kind',
      'decision',
      'subject_hmac',
      'similarity',
      'details',
      'prev_mac',
      'mac',
      'door',
    ]);
    expect(rows).toHaveLength(5);
    expect(rows.slice(1).every((r) => r[4] === subject && r.length === 10)).toBe(true);
    // The door column, read from details: empty for the enrolment (no door), quoted as needed.
    expect(rows.slice(1).map((r) => r[9])).toEqual(['', ...Array<string>(3).fill('front, "main"')]);
    const day2 = parseCsv(
      station('audit', 'export', '--csv', '--from', '2025-06-02', '--to', '2025-06-03').stdout,
    );
    expect(day2).toHaveLength(2);
    expect(day2[1]?.[1]).toBe('2025-06-02T12:00:00.000Z');
    expect(JSON.parse(day2[1]?.[6] ?? '')).toEqual({ door: 'front, "main"', note: 'line1\nline2' });
    const atDoor = parseCsv(
      station('audit', 'export', '--csv', '--door', 'front, "main"', '--from', '2025-06-02').stdout,
    );
    expect(atDoor.slice(1).map((r) => r[1])).toEqual([
      '2025-06-02T12:00:00.000Z',
      '2025-06-03T12:00:00.000Z',
    ]);
    expect(parseCsv(station('audit', 'export', '--csv', '--door', 'front').stdout)).toHaveLength(1);
    expect(station('audit', 'export', '--csv', '--door', '').code).toBe(2);
    expect(station('audit', 'export', '--csv', '--from', 'yesterday').code).toBe(2);
    expect(station('audit', 'export').code).toBe(2);
  });

  it('audit verify reports ok, then the first broken row after an edit (exit 1)', () => {
    const ok = station('audit', 'verify', '--json');
    expect(ok.code).toBe(0);
    expect(ok.json).toEqual({ ok: true, rows: 4, firstBrokenRow: null, reason: null });
    expect(station('audit', 'verify').stdout).toMatch(/intact: 4 rows/);
    const db = new Database(dataPaths(dataDir).database);
    db.exec(`DROP TRIGGER audit_events_no_update;
      UPDATE audit_events SET decision = 'unknown_face' WHERE id = 3`);
    db.close();
    const bad = station('audit', 'verify', '--json');
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ ok: false, rows: 2, firstBrokenRow: 3 });
    expect((bad.json as { reason: string }).reason).toMatch(/row 3/);
  });
});
