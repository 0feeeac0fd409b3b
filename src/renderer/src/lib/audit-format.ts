/** Pure formatting for the review view (no runes: plain values in, strings out). */
import type { AuditKind } from '../../../shared/audit-review';
import { DECISIONS, type DecisionReason } from '../../../shared/domain';
import { t } from './i18n';

/** datetime-local value (local time) -> ISO instant; undefined when empty, null when invalid. */
export function localToIso(value: string): string | undefined | null {
  if (value.trim() === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function exportFileName(nowMs: number): string {
  return `audit-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}.csv`;
}

/** Enough of the HMAC to tell subjects apart on screen; the full value stays in the log. */
export function shortSubject(subject: string | null): string {
  return subject ? `${subject.slice(0, 10)}…` : '—';
}

/** A reason code in words for the table ("unknown_face" -> "unknown face"). */
export function reasonLabel(reason: DecisionReason | null): string {
  return reason === null ? t('common.none') : t(`decision.${reason}`);
}

/** The same for a row read from the site's log, whose decision is plain text from any station. */
export function siteReasonLabel(reason: string | null): string {
  if (reason === null) return t('common.none');
  const known = (DECISIONS as readonly string[]).includes(reason);
  return known ? reasonLabel(reason as DecisionReason) : reason.replace(/_/g, ' ');
}

/** An audit row's kind in words. */
export function kindLabel(kind: AuditKind): string {
  return t(`audit.kind.${kind}`);
}

/** A door id as the reviewer reads it: with this station's label when it is this door. */
export function doorLabel(
  door: string | null,
  current: { id: string; label: string } | undefined,
): string {
  if (door === null) return t('common.none');
  return current && current.id === door
    ? t('audit.doorLabel', { label: current.label, id: door })
    : door;
}

export type QuickRange = 'today' | 'yesterday' | 'last7';

/** A datetime-local value (this browser's local time) for a Date. */
function localInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The reviewer's quick ranges as the filter form's from/to (local midnight boundaries). */
export function quickRange(range: QuickRange, nowMs: number): { from: string; to: string } {
  const now = new Date(nowMs);
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const dayMs = (n: number) =>
    new Date(midnight.getFullYear(), midnight.getMonth(), midnight.getDate() + n);
  switch (range) {
    case 'today':
      return { from: localInputValue(midnight), to: localInputValue(dayMs(1)) };
    case 'yesterday':
      return { from: localInputValue(dayMs(-1)), to: localInputValue(midnight) };
    case 'last7':
      return { from: localInputValue(dayMs(-6)), to: localInputValue(dayMs(1)) };
  }
}
