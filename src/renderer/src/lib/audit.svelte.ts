import type { StationApi } from '../../../shared/api-methods';
import type {
  AuditChainReportView,
  AuditDoorList,
  AuditEventDetail,
  AuditFilter,
  AuditKind,
  AuditReviewEvent,
  AuditSource,
  RevealedNames,
} from '../../../shared/audit-review';
import type { DecisionReason, PersonRef } from '../../../shared/domain';
import { exportFileName, localToIso, quickRange, type QuickRange } from './audit-format';
import { downloadText } from './download';
import { t } from './i18n';
import { describeError } from './messages';

// Formatting helpers live in a plain module; re-exported for the components.
export { doorLabel, kindLabel, reasonLabel, shortSubject, siteReasonLabel } from './audit-format';

const PAGE_SIZE = 50;
/** A runaway export (a bug, or a log far beyond any door's) stops here instead of filling memory. */
const MAX_EXPORT_CHUNKS = 2000;

/**
 * The reviewer's view: filters, keyset pages (the station hands out a cursor for the next
 * page; we keep the cursors of the pages already seen, so "previous" is one step back), an
 * event's detail, the CSV download, and the chain check. Nothing here ever sees a name of an
 * unknown face: rows carry subject HMACs, and only a person search returns that person's name.
 */
export class AuditState {
  // The filter form, as typed (datetime-local strings are local time).
  from = $state('');
  to = $state('');
  kind = $state<AuditKind | ''>('');
  decision = $state<DecisionReason | ''>('');
  person = $state('');
  /** Door id ('' = any door); the choices come from the log (audit:doors). */
  door = $state('');
  /** Station events, replays of `station access`, or both (''). */
  source = $state<AuditSource | ''>('');
  /**
   * Show the names of currently enrolled people instead of pseudonyms (resolved by the station
   * at view time, audited there); also adds name columns to the CSV and the attendance file.
   */
  showNames = $state(false);
  /** Pseudonym -> the enrolled person, for the shown page (empty unless showNames). */
  revealed = $state.raw<RevealedNames>({});
  attendanceMessage = $state<string | null>(null);

  /** The doors found in the log, and this station's door (for its label). */
  doors = $state.raw<AuditDoorList | null>(null);
  events = $state.raw<readonly AuditReviewEvent[]>([]);
  /** Who the applied person filter matched. */
  people = $state.raw<readonly PersonRef[]>([]);
  pageIndex = $state(0);
  hasNext = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);

  detail = $state.raw<AuditEventDetail | null>(null);
  detailError = $state<string | null>(null);

  exporting = $state(false);
  exportedRows = $state(0);
  exportMessage = $state<string | null>(null);

  chain = $state.raw<AuditChainReportView | null>(null);
  verifying = $state(false);
  chainError = $state<string | null>(null);

  /** The filter the shown pages were fetched with (the form may have changed since). */
  private applied: AuditFilter = {};
  /** cursors[i] fetches page i (undefined = first page). */
  private cursors: (string | undefined)[] = [undefined];
  private nextCursor: string | null = null;

  /** The live event view is open (it polls while shown). */
  liveOpen = $state(false);

  /** Public for the live event view, which polls the same station. */
  constructor(readonly api: StationApi) {}

  /** Re-fetches the current page (the view was opened again; new events may have arrived). */
  async refresh(): Promise<void> {
    await Promise.all([this.load(), this.loadDoors()]);
  }

  /** The door filter's choices; on failure the filter keeps its last list (or only "any"). */
  async loadDoors(): Promise<void> {
    const response = await this.api.auditDoors({});
    if (response.ok) this.doors = response.value;
  }

  /** Applies the form's filter and starts again from the newest page. */
  async search(): Promise<void> {
    const filter = this.formFilter();
    if (typeof filter === 'string') {
      this.error = filter;
      return;
    }
    this.applied = filter;
    this.cursors = [undefined];
    this.pageIndex = 0;
    this.detail = null;
    await this.load();
  }

  /** Today, yesterday or the last 7 days, in this browser's local time; searches at once. */
  async range(range: QuickRange): Promise<void> {
    const r = quickRange(range, Date.now());
    this.from = r.from;
    this.to = r.to;
    await this.search();
  }

  /** First in / last out per person and day for the form's range, downloaded as CSV. */
  async downloadAttendance(): Promise<void> {
    const from = localToIso(this.from);
    const to = localToIso(this.to);
    if (!from || !to || from >= to) {
      this.attendanceMessage = t('audit.attendanceNeedsRange');
      return;
    }
    const response = await this.api.auditAttendance({
      from,
      to,
      ...(this.door === '' ? {} : { door: this.door }),
      ...(this.showNames ? { names: true } : {}),
    });
    if (!response.ok) {
      this.attendanceMessage = describeError(response.error);
      return;
    }
    downloadText(`attendance-${from.slice(0, 10)}.csv`, [response.value.csv], 'text/csv');
    this.attendanceMessage = t('audit.attendanceDone', { count: response.value.rows });
  }

  async clear(): Promise<void> {
    this.from = '';
    this.source = '';
    this.to = '';
    this.kind = '';
    this.decision = '';
    this.person = '';
    this.door = '';
    await this.search();
  }

  async next(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    this.cursors[this.pageIndex + 1] = this.nextCursor;
    this.pageIndex += 1;
    await this.load();
  }

  async previous(): Promise<void> {
    if (this.pageIndex === 0 || this.loading) return;
    this.pageIndex -= 1;
    await this.load();
  }

  async select(id: number): Promise<void> {
    this.detailError = null;
    const response = await this.api.auditDetail({ id });
    if (response.ok) this.detail = response.value;
    else this.detailError = describeError(response.error);
  }

  closeDetail(): void {
    this.detail = null;
    this.detailError = null;
  }

  /** Downloads the CSV of the applied filter, fetched chunk by chunk (oldest first). */
  async exportCsv(): Promise<void> {
    if (this.exporting) return;
    this.exporting = true;
    this.exportedRows = 0;
    this.exportMessage = null;
    const parts: string[] = [];
    let cursor: string | undefined;
    try {
      for (let chunk = 0; chunk < MAX_EXPORT_CHUNKS; chunk++) {
        const response = await this.api.exportAudit({
          filter: this.applied,
          ...(this.showNames ? { names: true } : {}),
          ...(cursor === undefined ? {} : { cursor }),
        });
        if (!response.ok) {
          this.exportMessage = t('audit.exportFailed', { error: describeError(response.error) });
          return;
        }
        parts.push(response.value.csv);
        this.exportedRows += response.value.rows;
        if (response.value.nextCursor === null) {
          downloadText(exportFileName(Date.now()), parts, 'text/csv');
          this.exportMessage = t('audit.exported', { count: this.exportedRows });
          return;
        }
        cursor = response.value.nextCursor;
      }
      this.exportMessage = t('audit.exportTooMany');
    } finally {
      this.exporting = false;
    }
  }

  async verifyChain(): Promise<void> {
    this.verifying = true;
    this.chainError = null;
    const response = await this.api.verifyAudit({});
    this.verifying = false;
    if (response.ok) this.chain = response.value;
    else this.chainError = describeError(response.error);
  }

  private async load(): Promise<void> {
    this.loading = true;
    const cursor = this.cursors[this.pageIndex];
    const response = await this.api.queryAudit({
      filter: this.applied,
      limit: PAGE_SIZE,
      ...(this.showNames ? { reveal: true } : {}),
      ...(cursor === undefined ? {} : { cursor }),
    });
    this.loading = false;
    if (!response.ok) {
      this.error = describeError(response.error);
      this.events = [];
      this.people = [];
      this.hasNext = false;
      return;
    }
    this.error = null;
    this.events = response.value.events;
    this.people = response.value.people;
    this.revealed = response.value.revealed;
    this.nextCursor = response.value.nextCursor;
    this.hasNext = response.value.nextCursor !== null;
  }

  /** The form as a filter, or a message saying what is wrong with it (the site log uses it too). */
  formFilter(): AuditFilter | string {
    const from = localToIso(this.from);
    const to = localToIso(this.to);
    if (from === null) return t('audit.badFrom');
    if (to === null) return t('audit.badTo');
    if (from !== undefined && to !== undefined && from >= to) return t('audit.fromAfterTo');
    const person = this.person.trim();
    return {
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(this.kind === '' ? {} : { kind: this.kind }),
      ...(this.decision === '' ? {} : { decision: this.decision }),
      ...(person === '' ? {} : { person }),
      ...(this.door === '' ? {} : { door: this.door }),
      ...(this.source === '' ? {} : { source: this.source }),
    };
  }
}
