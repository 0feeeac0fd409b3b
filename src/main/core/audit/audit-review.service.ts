import {
  AUDIT_PAGE,
  encodeAuditCursor,
  type AuditCsvChunk,
  type AuditCursor,
  type AuditEventDetail,
  type AuditFilter,
  type AuditPage,
  type AuditReviewEvent,
} from '../../../shared/audit-review';
import type { AuditLogPage } from '../../../shared/cli-reports';
import type { PersonRef, PersonSummary } from '../../../shared/domain';
import { StationError } from '../../../shared/errors';
import { MAX_SUBJECTS } from '../../../shared/audit-constants';
import type {
  AuditLogOrderSpec,
  AuditQueryStore,
  AuditReviewRow,
  AuditQuerySpec,
} from '../ports/audit-store';
import { AUDIT_CSV_HEADER, auditCsvLine } from './audit-csv';
import { readAuditDetails } from './audit-details';

export interface AuditReviewDeps {
  queries: AuditQueryStore;
  /** Exact id first, then case-insensitive name (PeopleDirectory.find). */
  findPeople: (nameOrId: string) => PersonSummary[];
  /** Every subject HMAC a person's rows may carry; [] once erased. */
  subjectsOf: (personId: string) => string[];
}

interface ResolvedFilter {
  spec: Omit<AuditQuerySpec, 'after' | 'order' | 'limit'>;
  people: PersonRef[];
}

/** The CLI's filters: a time range, a person, a door (kind and decision are the UI's). */
export type AuditLogFilter = Pick<AuditFilter, 'from' | 'to' | 'person' | 'door'>;

/**
 * The reviewer's side of the audit log: search by time, kind, decision, person (the person
 * becomes subject HMACs here; the log itself holds no names) and door, keyset paging, chunked
 * CSV export, and one event's component scores.
 */
export class AuditReviewService {
  constructor(private readonly d: AuditReviewDeps) {}

  query(filter: AuditFilter, cursor: AuditCursor | undefined, limit: number): AuditPage {
    const { spec, people } = this.resolve(filter);
    const rows = this.d.queries.page({
      ...spec,
      after: cursor ?? null,
      order: 'newest',
      limit: limit + 1, // one extra row says whether there is a next page
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      events: page.map(toView),
      nextCursor: rows.length > limit && last ? encodeAuditCursor(last) : null,
      people,
      revealed: {},
    };
  }

  /** One chunk of the CSV of `filter`, oldest first; the header only in the first chunk. */
  exportChunk(filter: AuditFilter, cursor: AuditCursor | undefined): AuditCsvChunk {
    const { rows, nextCursor } = this.exportRows(filter, cursor);
    return {
      csv: (cursor === undefined ? AUDIT_CSV_HEADER : '') + rows.map(auditCsvLine).join(''),
      rows: rows.length,
      nextCursor,
    };
  }

  /** The rows of one export chunk, oldest first (the CSV with names formats them itself). */
  exportRows(
    filter: AuditFilter,
    cursor: AuditCursor | undefined,
  ): { rows: AuditReviewRow[]; nextCursor: string | null } {
    const { spec } = this.resolve(filter);
    const limit = AUDIT_PAGE.exportChunk;
    const rows = this.d.queries.page({
      ...spec,
      after: cursor ?? null,
      order: 'oldest',
      limit: limit + 1,
    });
    const chunk = rows.slice(0, limit);
    const last = chunk[chunk.length - 1];
    return {
      rows: chunk,
      nextCursor: rows.length > limit && last ? encodeAuditCursor(last) : null,
    };
  }

  /**
   * One page of `filter`'s rows after row `afterId` in log (id) order, with the people a person
   * filter matched: `station audit query|export` (the chain order, so an export can be checked
   * against it).
   */
  logPage(filter: AuditLogFilter, afterId: number, limit: number): AuditLogPage {
    const { spec, people } = this.resolve(filter);
    const order: AuditLogOrderSpec = {
      from: spec.from,
      to: spec.to,
      subjects: spec.subjects,
      door: spec.door,
    };
    // One extra row says whether there is a next page.
    const rows = this.d.queries.logPage(order, afterId, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { people, rows: page, nextAfterId: rows.length > limit && last ? last.id : null };
  }

  /** The distinct door ids in the log, sorted (the door filter's choices). */
  doors(): string[] {
    return this.d.queries.doors();
  }

  detail(id: number): AuditEventDetail {
    const row = this.d.queries.byId(id);
    if (!row) throw new StationError('BAD_REQUEST', `There is no audit event #${id}.`);
    const { scores, facts } = readAuditDetails(row.details, row.similarity);
    return { event: toView(row), scores, facts, mac: row.mac };
  }

  private resolve(filter: AuditFilter): ResolvedFilter {
    let subjects: string[] | null = null;
    let people: PersonRef[] = [];
    if (filter.person !== undefined) {
      const found = this.d.findPeople(filter.person);
      if (found.length === 0) {
        throw new StationError(
          'PERSON_NOT_FOUND',
          `No enrolled person matches "${filter.person}". Events of an erased person can no longer be linked to them.`,
        );
      }
      people = found.map((p) => ({ id: p.id, name: p.name }));
      subjects = found.flatMap((p) => this.d.subjectsOf(p.id));
      if (subjects.length > MAX_SUBJECTS) {
        throw new StationError(
          'BAD_REQUEST',
          `${found.length} people are named "${filter.person}"; search by person id instead.`,
        );
      }
    }
    return {
      spec: {
        from: filter.from ?? null,
        to: filter.to ?? null,
        kind: filter.kind ?? null,
        decision: filter.decision ?? null,
        subjects,
        door: filter.door ?? null,
        source: filter.source ?? null,
      },
      people,
    };
  }
}

/** A stored row as the review shows it (exported: the CLI prints the same shape). */
export function toView(r: AuditReviewRow): AuditReviewEvent {
  return {
    id: r.id,
    at: r.at,
    kind: r.kind,
    decision: r.decision,
    subject: r.subject_hmac,
    similarity: r.similarity,
    door: r.door,
    replay: r.replay,
  };
}
