import { localClock, localDate } from '../../../shared/zoned-time';
import type { RevealedNames } from '../../../shared/audit-review';
import { csvField } from './audit-csv';

/** One person on one local day: their first and last granted passage. */
export interface AttendanceDay {
  date: string;
  subject: string;
  firstMs: number;
  lastMs: number;
  entries: number;
}

/** Grants read for one summary at most; a larger range is refused ("narrow the range"). */
export const MAX_ATTENDANCE_GRANTS = 1_000_000;

/**
 * Groups granted decisions (oldest first) per subject and local day in `timeZone`. The station
 * sees entries only (one door, no exit reader), so "last out" is the last granted passage.
 */
export function attendanceDays(
  grants: Iterable<{ at: string; subject_hmac: string | null }>,
  timeZone: string,
  maxGrants = MAX_ATTENDANCE_GRANTS,
): AttendanceDay[] | null {
  const days = new Map<string, AttendanceDay>();
  let read = 0;
  for (const g of grants) {
    if (++read > maxGrants) return null;
    if (g.subject_hmac === null) continue;
    const ms = Date.parse(g.at);
    const date = localDate(ms, timeZone);
    const key = `${date}|${g.subject_hmac}`;
    const day = days.get(key);
    if (day) {
      day.lastMs = Math.max(day.lastMs, ms);
      day.firstMs = Math.min(day.firstMs, ms);
      day.entries += 1;
    } else days.set(key, { date, subject: g.subject_hmac, firstMs: ms, lastMs: ms, entries: 1 });
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date) || a.firstMs - b.firstMs);
}

/**
 * The CSV a reviewer downloads: pseudonyms always, and name + employee id columns only when
 * names were asked for (and audited). Times are wall-clock times in the station's zone.
 */
export function attendanceCsv(
  days: readonly AttendanceDay[],
  timeZone: string,
  names: RevealedNames | null,
): string {
  const header = ['date', 'subject_hmac', 'first_in', 'last_out', 'entries', 'time_zone'];
  if (names) header.push('name', 'employee_id');
  const lines = days.map((d) => {
    const cells: (string | number | null)[] = [
      d.date,
      d.subject,
      localClock(d.firstMs, timeZone),
      localClock(d.lastMs, timeZone),
      d.entries,
      timeZone,
    ];
    if (names) {
      const who = names[d.subject];
      cells.push(who?.name ?? null, who?.employeeId ?? null);
    }
    return cells.map(csvField).join(',');
  });
  return [header.join(','), ...lines].map((l) => `${l}\r\n`).join('');
}
