import type { AuditSource } from '../../shared/audit-review';
import { MAX_DOORS, MAX_SUBJECTS } from '../../shared/audit-constants';
import type {
  AuditLogOrderSpec,
  AuditQuerySpec,
  AuditQueryStore,
  AuditReviewRow,
} from '../core/ports/audit-store';
import type { Db } from './sqlite';

export type { AuditLogOrderSpec, AuditQuerySpec, AuditReviewRow };
export { MAX_DOORS, MAX_SUBJECTS };

type FilterSpec = Pick<
  AuditQuerySpec,
  'from' | 'to' | 'kind' | 'decision' | 'subjects' | 'door' | 'source'
>;

const COLUMNS =
  'id, at, kind, decision, subject_hmac, similarity, details, prev_mac, mac, door, replay';
/**
 * The reviewer's keyset-paged reads of the audit log (appends stay in AuditLogRepository). Each
 * filter names its index (INDEXED BY) because without ANALYZE statistics the planner may pick a
 * low-selectivity index and walk most of the log.
 */
export class AuditQueryRepository implements AuditQueryStore {
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();
  private readonly selectById;
  private readonly selectDoors;

  constructor(private readonly db: Db) {
    this.selectById = db.prepare<[number], AuditReviewRow>(
      `SELECT ${COLUMNS} FROM audit_events WHERE id = ?`,
    );
    // DISTINCT would walk every door row of the index (a million at a busy door); this skips
    // from one door to the next through audit_door_at: one index seek per distinct door.
    this.selectDoors = db.prepare<[], { door: string }>(
      `WITH RECURSIVE doors(door) AS (
         SELECT min(door) FROM audit_events INDEXED BY audit_door_at WHERE door IS NOT NULL
         UNION ALL
         SELECT (SELECT min(door) FROM audit_events INDEXED BY audit_door_at WHERE door > doors.door)
         FROM doors WHERE doors.door IS NOT NULL LIMIT ${MAX_DOORS + 1}
       )
       SELECT door FROM doors WHERE door IS NOT NULL`,
    );
  }

  page(spec: AuditQuerySpec): AuditReviewRow[] {
    const { sql, params } = buildQuery(spec);
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt.all(params) as AuditReviewRow[];
  }

  byId(id: number): AuditReviewRow | undefined {
    return this.selectById.get(id);
  }

  /** The distinct door ids in the log, sorted, at most MAX_DOORS. */
  doors(): string[] {
    return this.selectDoors
      .all()
      .slice(0, MAX_DOORS)
      .map((r) => r.door);
  }

  /**
   * Up to `limit` rows matching `spec` after row `afterId`, in log (id) order: the CLI's export
   * and query keep the order in which the chain links them, so an export can be checked against
   * the log. Keyset by rowid: each page costs its own rows only.
   */
  logPage(spec: AuditLogOrderSpec, afterId: number, limit: number): AuditReviewRow[] {
    const { where, params } = conditions({ ...spec, kind: null, decision: null, source: null });
    where.push('id > @afterId');
    const sql = `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`;
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt.all({ ...params, afterId, limit }) as AuditReviewRow[];
  }

  /**
   * Decision rows after `afterId` in log order (the live view), at most `limit`; with a null
   * `afterId`, the newest `limit` decisions. Read by rowid: a poll costs the new rows only.
   */
  decisionsAfter(
    afterId: number | null,
    limit: number,
    f: { door: string | null; source: AuditSource | null },
  ): AuditReviewRow[] {
    const where = ["kind = 'decision'"];
    const params: Record<string, string | number> = { limit };
    if (afterId !== null) {
      where.push('id > @after');
      params.after = afterId;
    }
    if (f.door !== null) {
      where.push('door = @door');
      params.door = f.door;
    }
    if (f.source === 'replay') where.push('replay IS NOT NULL');
    if (f.source === 'station') where.push('replay IS NULL');
    const order = afterId === null ? 'DESC' : 'ASC';
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM audit_events WHERE ${where.join(' AND ')} ORDER BY id ${order} LIMIT @limit`,
      )
      .all(params) as AuditReviewRow[];
    return afterId === null ? rows.reverse() : rows;
  }

  /** The newest row id (0 for an empty log): where a live view starts. */
  lastId(): number {
    const row = this.db.prepare('SELECT max(id) AS id FROM audit_events').get() as {
      id: number | null;
    };
    return row.id ?? 0;
  }

  /**
   * Granted decisions at the station (never replays) with from <= at < to, oldest first,
   * streamed: the attendance summary's input. Through audit_decision_at: only grants are read.
   */
  grants(
    from: string,
    to: string,
    door: string | null,
  ): IterableIterator<{ at: string; subject_hmac: string | null; door: string | null }> {
    const doorTerm = door === null ? '' : ' AND door = @door';
    return this.db
      .prepare<
        [Record<string, string>],
        { at: string; subject_hmac: string | null; door: string | null }
      >(
        `SELECT at, subject_hmac, door FROM audit_events INDEXED BY audit_decision_at
         WHERE decision = 'granted' AND at >= @from AND at < @to AND replay IS NULL${doorTerm}
         ORDER BY at, id`,
      )
      .iterate(door === null ? { from, to } : { from, to, door });
  }

  /** The query plan of a spec's SQL (tests and the bench check that it stays index-backed). */
  plan(spec: AuditQuerySpec): string {
    const { sql, params } = buildQuery(spec);
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[];
    return rows.map((r) => r.detail).join('; ');
  }
}

function indexFor(spec: AuditQuerySpec): string {
  if (spec.subjects !== null) return 'audit_subject';
  // A door's rows are many (every decision there), but fewer than one decision's across doors.
  // door + kind reads the door's rows and filters kind: nearly all of a door's rows are
  // decisions, and a rare kind at a door (settings) is a short walk next to a decision's.
  if (spec.door !== null)
    return spec.decision !== null ? 'audit_door_decision_at' : 'audit_door_at';
  if (spec.source === 'replay') return 'audit_replay_at';
  if (spec.decision !== null) return 'audit_decision_at';
  if (spec.kind !== null) return 'audit_kind_at';
  return 'audit_at';
}

/** Named parameters only, values never spliced into SQL; the SQL text depends only on the shape. */
export function buildQuery(spec: AuditQuerySpec): {
  sql: string;
  params: Record<string, string | number>;
} {
  const { where, params } = conditions(spec);
  params.limit = spec.limit;
  const newest = spec.order === 'newest';
  if (spec.after !== null) {
    where.push(newest ? '(at, id) < (@afterAt, @afterId)' : '(at, id) > (@afterAt, @afterId)');
    params.afterAt = spec.after.at;
    params.afterId = spec.after.id;
  }
  const dir = newest ? 'DESC' : 'ASC';
  const sql =
    `SELECT ${COLUMNS} FROM audit_events INDEXED BY ${indexFor(spec)}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY at ${dir}, id ${dir} LIMIT @limit`;
  return { sql, params };
}

/** The WHERE terms of a spec's filters (not of its cursor), as named parameters. */
function conditions(spec: FilterSpec): {
  where: string[];
  params: Record<string, string | number>;
} {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  if (spec.subjects !== null) {
    const subjects = spec.subjects;
    if (subjects.length > MAX_SUBJECTS) throw new RangeError(`more than ${MAX_SUBJECTS} subjects`);
    // An empty list matches nothing (a person with no subject left); keep the SQL valid.
    const names = subjects.map((_, i) => `@s${i}`);
    where.push(names.length > 0 ? `subject_hmac IN (${names.join(', ')})` : '0');
    subjects.forEach((s, i) => (params[`s${i}`] = s));
  }
  if (spec.door !== null) {
    where.push('door = @door');
    params.door = spec.door;
  }
  if (spec.source === 'replay') where.push('replay IS NOT NULL');
  if (spec.source === 'station') where.push('replay IS NULL');
  if (spec.decision !== null) {
    where.push('decision = @decision');
    params.decision = spec.decision;
  }
  if (spec.kind !== null) {
    where.push('kind = @kind');
    params.kind = spec.kind;
  }
  if (spec.from !== null) {
    where.push('at >= @from');
    params.from = spec.from;
  }
  if (spec.to !== null) {
    where.push('at < @to');
    params.to = spec.to;
  }
  return { where, params };
}
