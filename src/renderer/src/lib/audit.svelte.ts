import type { StationApi } from '../../../shared/contract';
import type { AuditEventView } from '../../../shared/domain';
import { describeError } from './messages';

const AUDIT_PAGE = 100;

export class AuditState {
  events = $state.raw<readonly AuditEventView[]>([]);
  error = $state<string | null>(null);
  loading = $state(false);

  constructor(private readonly api: StationApi) {}

  async refresh(): Promise<void> {
    this.loading = true;
    const response = await this.api.recentAudit({ limit: AUDIT_PAGE });
    this.loading = false;
    if (response.ok) {
      this.events = response.value.events;
      this.error = null;
    } else {
      this.error = describeError(response.error);
    }
  }
}

/** Enough of the HMAC to tell subjects apart on screen; the full value stays in the log. */
export function shortSubject(subject: string | null): string {
  return subject ? `${subject.slice(0, 10)}…` : '—';
}
