import {
  type AttendanceReport,
  type AuditCsvChunk,
  type AuditCursor,
  type AuditFilter,
  type AuditLivePage,
  type AuditPage,
  type AuditSource,
  type RevealedNames,
} from '../../../shared/audit-review';
import { StationError } from '../../../shared/errors';
import type { AuditQueryStore } from '../ports/audit-store';
import { AUDIT_CSV_HEADER, auditCsvLine, csvField } from './audit-csv';
import type { AuditNameResolver } from './audit-names';
import type { AuditRecorder } from './audit-recorder';
import { toView, type AuditReviewService } from './audit-review.service';
import { attendanceCsv, attendanceDays, MAX_ATTENDANCE_GRANTS } from './attendance';

export interface ReviewerViewsDeps {
  review: AuditReviewService;
  queries: AuditQueryStore;
  names: AuditNameResolver;
  audit: AuditRecorder;
  timeZone: () => string;
}

/** Who is looking, for the reveal row: the session's role, or 'open' before a passphrase. */
export type Viewer = 'admin' | 'reviewer' | 'open';

/** Which of the reviewer's views showed the names (the reveal row says where). */
type RevealView = 'search' | 'live' | 'export' | 'attendance';

/** Decision rows one live poll returns at most; the view polls again at once when full. */
export const LIVE_PAGE = 100;
/** Decisions a fresh live view starts with. */
const LIVE_START = 20;

/**
 * The reviewer's audit views that may show names. A request that named anyone leaves one `reveal`
 * row with counts only, never names or pseudonyms, so the row does not undo the log's pseudonymity;
 * a request that named nobody leaves none, so polling does not fill the log.
 */
export class ReviewerViewsService {
  constructor(private readonly d: ReviewerViewsDeps) {}

  query(
    filter: AuditFilter,
    cursor: AuditCursor | undefined,
    limit: number,
    reveal: boolean,
    viewer: Viewer,
  ): AuditPage {
    const page = this.d.review.query(filter, cursor, limit);
    if (!reveal) return page;
    const subjects = page.events.map((e) => e.subject);
    return { ...page, revealed: this.reveal(subjects, 'search', viewer) };
  }

  /** One export chunk; with `names`, two more columns (name, employee_id), audited per chunk. */
  exportChunk(
    filter: AuditFilter,
    cursor: AuditCursor | undefined,
    names: boolean,
    viewer: Viewer,
  ): AuditCsvChunk {
    if (!names) return this.d.review.exportChunk(filter, cursor);
    const { rows, nextCursor } = this.d.review.exportRows(filter, cursor);
    const revealed = this.reveal(
      rows.map((r) => r.subject_hmac),
      'export',
      viewer,
    );
    const header = cursor === undefined ? `${AUDIT_CSV_HEADER.trimEnd()},name,employee_id\r\n` : '';
    const lines = rows.map((r) => {
      const who = r.subject_hmac === null ? undefined : revealed[r.subject_hmac];
      const extra = [who?.name ?? null, who?.employeeId ?? null].map(csvField).join(',');
      return `${auditCsvLine(r).trimEnd()},${extra}\r\n`;
    });
    return { csv: header + lines.join(''), rows: rows.length, nextCursor };
  }

  /** New decisions after `afterId` (the live view); the newest few when `afterId` is null. */
  since(
    req: { afterId: number | null; reveal?: boolean; source?: AuditSource; door?: string },
    viewer: Viewer,
  ): AuditLivePage {
    const filter = { door: req.door ?? null, source: req.source ?? null };
    const rows =
      req.afterId === null
        ? this.d.queries.decisionsAfter(null, LIVE_START, filter)
        : this.d.queries.decisionsAfter(req.afterId, LIVE_PAGE, filter);
    const events = rows.map(toView);
    // Start after the newest row of any kind, so the next poll reads new rows only.
    const lastId =
      req.afterId === null
        ? this.d.queries.lastId()
        : (events[events.length - 1]?.id ?? req.afterId);
    const revealed =
      req.reveal === true
        ? this.reveal(
            events.map((e) => e.subject),
            'live',
            viewer,
          )
        : {};
    return { events, lastId, revealed };
  }

  /**
   * First and last granted entry per person and day, in the station's time zone, as CSV.
   * Replays never count; a range holding more grants than MAX_ATTENDANCE_GRANTS is refused.
   */
  attendance(
    req: { from: string; to: string; door?: string | undefined; names?: boolean | undefined },
    viewer: Viewer,
  ): AttendanceReport {
    const timeZone = this.d.timeZone();
    const days = attendanceDays(
      this.d.queries.grants(req.from, req.to, req.door ?? null),
      timeZone,
    );
    if (days === null)
      throw new StationError(
        'BAD_REQUEST',
        `More than ${MAX_ATTENDANCE_GRANTS} entries in that range: choose a shorter one.`,
      );
    const names =
      req.names === true
        ? this.reveal(
            days.map((d) => d.subject),
            'attendance',
            viewer,
          )
        : null;
    return {
      csv: attendanceCsv(days, timeZone, names),
      rows: days.length,
      people: new Set(days.map((d) => d.subject)).size,
      timeZone,
    };
  }

  /** Resolves, and audits the reveal when it named anyone (counts only). */
  private reveal(subjects: (string | null)[], view: RevealView, viewer: Viewer): RevealedNames {
    const revealed = this.d.names.resolve(subjects);
    const people = new Set(Object.values(revealed).map((p) => p.id)).size;
    if (people === 0) return revealed;
    const rows = subjects.filter((s) => s !== null && s in revealed).length;
    this.d.audit.record({
      kind: 'reveal',
      decision: null,
      personId: null,
      similarity: null,
      details: { view, names: people, rows, role: viewer },
    });
    return revealed;
  }
}
