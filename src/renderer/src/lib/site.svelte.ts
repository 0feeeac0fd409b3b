import type { StationApi } from '../../../shared/api-methods';
import type { AuditFilter } from '../../../shared/audit-review';
import type { PersonRef } from '../../../shared/domain';
import type {
  SiteAuditEvent,
  SiteChainReportView,
  SiteOverview,
  SiteStatusView,
} from '../../../shared/site-contract';
import { describeError } from './messages';

const PAGE_SIZE = 50;

/**
 * The admin's site panel: this station's sync state, every station (last seen, lag), the
 * erasures and who acknowledged them, and the audit flags. Fetched when opened or refreshed.
 */
export class SiteState {
  status = $state.raw<SiteStatusView | null>(null);
  overview = $state.raw<SiteOverview | null>(null);
  loading = $state(false);
  syncing = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: StationApi) {}

  async refresh(): Promise<void> {
    this.loading = true;
    const status = await this.api.siteStatus({});
    if (!status.ok) {
      this.loading = false;
      this.error = describeError(status.error);
      return;
    }
    this.status = status.value;
    if (!status.value.joined) {
      this.loading = false;
      this.overview = null;
      this.error = null;
      return;
    }
    const overview = await this.api.siteOverview({});
    this.loading = false;
    if (overview.ok) {
      this.overview = overview.value;
      this.status = overview.value.status;
      this.error = null;
    } else this.error = describeError(overview.error);
  }

  /** Only whether (and how) the station is in a site: the Audit view offers the site log then. */
  async refreshStatus(): Promise<void> {
    const status = await this.api.siteStatus({});
    if (status.ok) this.status = status.value;
  }

  async syncNow(): Promise<void> {
    this.syncing = true;
    const r = await this.api.syncSite({});
    this.syncing = false;
    if (!r.ok) this.error = describeError(r.error);
    await this.refresh();
  }
}

/**
 * The Audit view's "site" scope: the site's log (every door) with the view's own filters plus
 * a station filter, keyset pages, and the check of every station's chain.
 */
export class SiteAuditState {
  station = $state('');
  /** The site's door filter ('' = the Audit form's door, if any). */
  door = $state('');
  stations = $state.raw<readonly { stationId: string; label: string }[]>([]);
  doors = $state.raw<readonly string[]>([]);
  events = $state.raw<readonly SiteAuditEvent[]>([]);
  people = $state.raw<readonly PersonRef[]>([]);
  pageIndex = $state(0);
  hasNext = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  chain = $state.raw<SiteChainReportView | null>(null);
  verifying = $state(false);
  chainError = $state<string | null>(null);

  private applied: AuditFilter = {};
  private cursors: (string | undefined)[] = [undefined];
  private nextCursor: string | null = null;

  constructor(private readonly api: StationApi) {}

  /** Applies a filter (from the Audit view's form) and starts from the newest page. */
  async search(filter: AuditFilter | string): Promise<void> {
    if (typeof filter === 'string') {
      this.error = filter;
      return;
    }
    this.applied = this.door === '' ? filter : { ...filter, door: this.door };
    this.cursors = [undefined];
    this.pageIndex = 0;
    await this.load();
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

  async verify(): Promise<void> {
    this.verifying = true;
    this.chainError = null;
    const r = await this.api.verifySiteAudit({});
    this.verifying = false;
    if (r.ok) this.chain = r.value;
    else this.chainError = describeError(r.error);
  }

  private async load(): Promise<void> {
    this.loading = true;
    const cursor = this.cursors[this.pageIndex];
    const r = await this.api.querySiteAudit({
      filter: this.applied,
      limit: PAGE_SIZE,
      ...(this.station === '' ? {} : { station: this.station }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    this.loading = false;
    if (!r.ok) {
      this.error = describeError(r.error);
      this.events = [];
      this.hasNext = false;
      return;
    }
    this.error = null;
    this.events = r.value.events;
    this.people = r.value.people;
    this.stations = r.value.stations;
    this.doors = r.value.doors;
    this.nextCursor = r.value.nextCursor;
    this.hasNext = r.value.nextCursor !== null;
  }
}
