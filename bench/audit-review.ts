/**
 * The reviewer's search on a large audit log: a real SQLite file (temp folder) filled through
 * the production append path, then AuditReviewService pages (keyset, newest first), a deep
 * page, a person's events, a CSV export chunk and one event's detail, per filter shape.
 *
 *   npx tsx bench/audit-review.ts [--rows 1000000] [--batch 10000] [--repeats 50]
 *
 * Events are SYNTHETIC (like bench/audit-log.ts): one every 2.5 s; 78 % granted over ~800
 * subject HMACs, 20 % unknown_face, 1 % spoof_suspected, 0.5 % enrolments, 0.1 % erasures.
 * Decisions carry a door in `details` (migration 0070's generated column): 50 % front, 30 %
 * back, 10 % garage, 10 % none (rows from before 0070, replays).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditMac } from '../src/main/core/audit/audit-mac';
import { AuditReviewService } from '../src/main/core/audit/audit-review.service';
import { type NewAuditEvent } from '../src/main/db/audit-log.repository';
import { auditLogOver } from '../src/main/composition/audit-log';
import { AuditQueryRepository } from '../src/main/db/audit-query.repository';
import type { AuditFilter } from '../src/shared/audit-review';
import { decodeAuditCursor } from '../src/shared/audit-review';
import { makeTempDir } from '../tests/support/temp-dir';
import { ms, summarize, timed, type Summary } from './lib/bench-stats';
import { openDatabase } from '../src/main/composition/station-database';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const STEP_MS = 2500;
const SUBJECTS = 800;

/** Door of decision row with hash h: front 50 %, back 30 %, garage 10 %, none 10 %. */
function doorOf(h: number): string | null {
  const d = (h >>> 22) % 10;
  return d < 5 ? 'front' : d < 8 ? 'back' : d < 9 ? 'garage' : null;
}

function subjectOf(k: number): string {
  return createHmac('sha256', 'bench-subject').update(String(k)).digest('hex');
}

function event(i: number): NewAuditEvent {
  const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const r = h % 1000;
  const at = new Date(T0 + i * STEP_MS).toISOString();
  const subject = subjectOf((h >>> 12) % SUBJECTS);
  if (r < 1) {
    const details = { templates: 5, consents: 1 };
    return { at, kind: 'erasure', decision: null, subjectHmac: null, similarity: null, details };
  }
  if (r < 6) {
    const details = { templates: 5 };
    return {
      at,
      kind: 'enrolment',
      decision: null,
      subjectHmac: subject,
      similarity: null,
      details,
    };
  }
  const decision = r < 16 ? 'spoof_suspected' : r < 216 ? 'unknown_face' : 'granted';
  return {
    at,
    kind: 'decision',
    decision,
    subjectHmac: decision === 'granted' ? subject : null,
    similarity: decision === 'granted' ? 0.6 : 0.2,
    details: {
      ...(doorOf(h) === null ? {} : { door: doorOf(h) }),
      frameId: i,
      faces: 1,
      source: 'terminal',
      runnerUp: 0.2,
    },
  };
}

function repeat(n: number, fn: () => unknown): Summary {
  fn();
  const times: number[] = [];
  for (let r = 0; r < n; r++) times.push(timed(fn).ms);
  return summarize(times);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '10000' },
      repeats: { type: 'string', default: '50' },
    },
  });
  const rows = Number(values.rows);
  const batch = Number(values.batch);
  const repeats = Number(values.repeats);
  const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
  const tmp = makeTempDir('station-bench-review-');
  try {
    const db = openDatabase(join(tmp.dir, 'station.sqlite'));
    const log = auditLogOver(db, new AuditMac(randomBytes(32)));
    const eachN = Math.min(rows, 3000);
    const each = timed(() => {
      for (let i = 0; i < eachN; i++) log.append(event(i));
    });
    const fill = timed(() => {
      for (let start = eachN; start < rows; start += batch) {
        db.transaction(() => {
          for (let i = start; i < Math.min(rows, start + batch); i++) log.append(event(i));
        })();
      }
    });
    db.pragma('wal_checkpoint(TRUNCATE)');
    const queries = new AuditQueryRepository(db);
    const person = subjectOf(0);
    const review = new AuditReviewService({
      queries,
      findPeople: (q) =>
        q === 'P0'
          ? [
              {
                id: 'P0',
                name: 'P0',
                templates: 5,
                enrolledAt: '2026-01-01',
                employeeId: null,
                groups: [],
                schedule: null,
              },
            ]
          : [],
      subjectsOf: () => [person],
    });
    const mid = new Date(T0 + Math.floor(rows / 2) * STEP_MS).toISOString();
    const midCursor = decodeAuditCursor(`${mid}~${Math.floor(rows / 2) + 1}`) ?? undefined;
    const day = { from: mid, to: new Date(Date.parse(mid) + 86_400_000).toISOString() };
    const around = {
      from: new Date(Date.parse(mid) - 86_400_000).toISOString(),
      to: day.to,
    };
    const cases: [string, AuditFilter, boolean][] = [
      ['no filter, first page', {}, false],
      ['no filter, page in the middle of the log (cursor)', {}, true],
      ['one day (from/to)', day, false],
      ['decision = spoof_suspected (1 %)', { decision: 'spoof_suspected' }, false],
      ['decision = spoof_suspected, middle (cursor)', { decision: 'spoof_suspected' }, true],
      ['kind = erasure (0.1 %)', { kind: 'erasure' }, false],
      ['decision = granted + one day', { decision: 'granted', ...day }, false],
      ['person (one subject, ~1,000 events)', { person: 'P0' }, false],
      ['person + decision = granted, middle (cursor)', { person: 'P0', decision: 'granted' }, true],
      ['door = garage (~9 %)', { door: 'garage' }, false],
      ['door = front + one day (from/to)', { door: 'front', ...day }, false],
      ['door = garage + two days around the cursor (cursor)', { door: 'garage', ...around }, true],
      [
        'door = back + decision = spoof_suspected',
        { door: 'back', decision: 'spoof_suspected' },
        false,
      ],
      [
        'door = front + decision = granted + one day',
        { door: 'front', decision: 'granted', ...day },
        false,
      ],
      ['door = back + person', { door: 'back', person: 'P0' }, false],
    ];
    console.log(`### Audit review queries (${rows} rows, real SQLite file, WAL)\n`);
    console.log(`1-min load average at start: ${loadAvg}\n`);
    console.log(
      `Append with the 0050 and 0070 review indexes: ${eachN} events one by one, ${(eachN / (each.ms / 1000)).toFixed(0)} events/s; bulk fill to ${rows} rows ${(fill.ms / 1000).toFixed(1)} s.\n`,
    );
    console.log('| query (page of 50, newest first) | p50 ms | p95 ms | max ms | rows |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [label, filter, deep] of cases) {
      const run = () => review.query(filter, deep ? midCursor : undefined, 50);
      const n = run().events.length;
      const s = repeat(repeats, run);
      console.log(`| ${label} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} | ${n} |`);
    }
    const exp = repeat(Math.min(repeats, 10), () => review.exportChunk({}, midCursor));
    console.log(
      `| CSV export chunk (5,000 rows, oldest first, from the middle) | ${ms(exp.p50)} | ${ms(exp.p95)} | ${ms(exp.max)} | 5000 |`,
    );
    // What a decision filter cost before migration 0050: the time index walked backwards,
    // every row's decision checked, until a page is found (a decision that never occurs: all).
    for (const decision of ['spoof_suspected', 'locked_out']) {
      const sql = `SELECT id FROM audit_events INDEXED BY audit_at WHERE decision = ?
        ORDER BY at DESC, id DESC LIMIT 51`;
      const stmt = db.prepare(sql);
      const s = repeat(Math.min(repeats, 5), () => stmt.all(decision));
      console.log(
        `| without the 0050 index: decision = ${decision} (time index + filter) | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} | ${stmt.all(decision).length} |`,
      );
    }
    const rare = repeat(repeats, () => review.query({ decision: 'locked_out' }, undefined, 50));
    console.log(
      `| decision = locked_out (never occurs), with the 0050 index | ${ms(rare.p50)} | ${ms(rare.p95)} | ${ms(rare.max)} | 0 |`,
    );
    const doorList = repeat(repeats, () => review.doors());
    console.log(
      `| distinct doors (audit:doors, index skip-scan) | ${ms(doorList.p50)} | ${ms(doorList.p95)} | ${ms(doorList.max)} | ${review.doors().length} |`,
    );
    // What a door + time filter would cost without 0070's door index: the time index walked
    // over the day, each row's details parsed, until a page of that door is found.
    const noIndex = db.prepare(`SELECT id FROM audit_events INDEXED BY audit_at
      WHERE door = @door AND at >= @from AND at < @to ORDER BY at DESC, id DESC LIMIT 51`);
    for (const door of ['garage', 'nowhere']) {
      const s = repeat(Math.min(repeats, 5), () => noIndex.all({ door, ...day }));
      console.log(
        `| without the 0070 index: door = ${door} + one day (time index + filter) | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} | ${noIndex.all({ door, ...day }).length} |`,
      );
    }
    const det = repeat(repeats, () => review.detail(Math.floor(rows / 3)));
    console.log(`| detail(id) | ${ms(det.p50)} | ${ms(det.p95)} | ${ms(det.max)} | 1 |`);
    db.close();
  } finally {
    tmp.cleanup();
  }
}

main();
