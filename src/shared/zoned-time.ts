/**
 * Wall-clock time in the station's IANA time zone, whatever zone the viewing browser or the
 * machine is in: "yesterday after 18:00" means 18:00 at the door. Pure (Intl only), shared by
 * the reviewer's filters and the attendance summary.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** The wall time at instant `ms` in `timeZone`. */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const parts = formatFor(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? '0');
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (east positive). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallTimeAt(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall time occurs in `timeZone`. In a spring-forward gap (02:30 that never
 * happens) the later offset applies; in the repeated autumn hour, the first occurrence.
 */
export function instantOfWallTime(w: WallTime, timeZone: string): number {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return Math.min(first, second);
}

/** Midnight starting the day `dayOffset` days from the day of `nowMs` (0 = today, -1 = yesterday). */
export function dayStart(nowMs: number, timeZone: string, dayOffset = 0): number {
  const today = wallTimeAt(nowMs, timeZone);
  // Date.UTC normalises day overflow (day 0 = the last day of the previous month).
  const d = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
  return instantOfWallTime(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    timeZone,
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of instant `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  const w = wallTimeAt(ms, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** `HH:MM:SS` of instant `ms` in `timeZone`. */
export function localClock(ms: number, timeZone: string): string {
  const w = wallTimeAt(ms, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** A datetime-local input value (`YYYY-MM-DDTHH:MM[:SS]`) of instant `ms` in `timeZone`. */
export function toLocalInput(ms: number, timeZone: string): string {
  return `${localDate(ms, timeZone)}T${localClock(ms, timeZone)}`;
}

/** A datetime-local input value read as a wall time in `timeZone`; null when malformed. */
export function fromLocalInput(value: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => Number(x ?? '0')) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return null;
  const ms = instantOfWallTime({ year, month, day, hour, minute, second }, timeZone);
  // 31 February would roll into March: refuse instead of guessing.
  return localDate(ms, timeZone) === `${m[1]}-${m[2]}-${m[3]}` ? ms : null;
}

/** True when `timeZone` is a zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
