import type { AccessPolicy } from './access-policy.schema';

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Day of week (1 = Monday) and minute of day of `at` in `timeZone` (null = machine zone). */
export function localWeekMinute(
  at: Date,
  timeZone: string | null,
): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    ...(timeZone ? { timeZone } : {}),
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAYS[get('weekday')];
  if (day === undefined) throw new Error(`unexpected weekday from Intl: ${get('weekday')}`);
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

function toMinute(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function scheduleAllows(policy: AccessPolicy, name: string, day: number, minute: number): boolean {
  const windows = Object.hasOwn(policy.schedules, name) ? (policy.schedules[name] ?? []) : [];
  return windows.some(
    (w) => w.days.includes(day) && minute >= toMinute(w.from) && minute < toMinute(w.to),
  );
}

/** A person's own schedule and groups as the people table holds them (migration 0220). */
export interface PersonScheduleProfile {
  schedule: string | null;
  groups: readonly string[];
}

/**
 * Whether a recognised person may enter now: a personal schedule overrides group schedules, groups
 * combine with OR, no schedule means always allowed. A schedule name that no longer exists allows
 * nothing (deny-leaning).
 */
export function withinSchedule(
  policy: AccessPolicy,
  personId: string,
  at: Date,
  profile: PersonScheduleProfile | null = null,
): boolean {
  const { day, minute } = localWeekMinute(at, policy.timeZone);
  const own = profile?.schedule ?? policy.personSchedules[personId];
  if (own != null) return scheduleAllows(policy, own, day, minute);
  const groups = new Set(profile?.groups ?? []);
  for (const [group, members] of Object.entries(policy.groups))
    if (members.includes(personId)) groups.add(group);
  const groupSchedules = [...groups].flatMap((group) => {
    // Own keys only: a group called "constructor" must not find Object.prototype's.
    const s = Object.hasOwn(policy.groupSchedules, group)
      ? policy.groupSchedules[group]
      : undefined;
    return s === undefined ? [] : [s];
  });
  if (groupSchedules.length === 0) return true;
  return groupSchedules.some((s) => scheduleAllows(policy, s, day, minute));
}
