import type { StationApi } from '../../../shared/api-methods';
import type { SchedulesView, WeeklyWindowView } from '../../../shared/people-contract';
import { describeError } from './messages';

export interface EditedSchedule {
  name: string;
  windows: WeeklyWindowView[];
}

/**
 * The door's weekly schedules edited as forms: named schedules of windows (days, from, to)
 * and, per group, the schedule its members follow. Saved as one `schedules:set`; the station
 * validates and audits it and refuses to drop a schedule someone follows personally.
 */
export class SchedulesState {
  schedules = $state<EditedSchedule[]>([]);
  /** Group -> schedule name ('' = no schedule: the group does not restrict). */
  groupChoice = $state<Record<string, string>>({});
  groups = $state.raw<string[]>([]);
  timeZone = $state('');
  error = $state<string | null>(null);
  saved = $state(false);
  busy = $state(false);

  constructor(private readonly apiOf: () => StationApi) {}

  async load(): Promise<void> {
    const r = await this.apiOf().schedules({});
    if (r.ok) this.show(r.value);
    else this.error = describeError(r.error);
  }

  addSchedule(): void {
    this.schedules.push({
      name: '',
      windows: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
    });
    this.saved = false;
  }

  toggleDay(w: WeeklyWindowView, day: number): void {
    w.days = w.days.includes(day) ? w.days.filter((d) => d !== day) : [...w.days, day].sort();
  }

  async save(): Promise<void> {
    this.busy = true;
    this.saved = false;
    try {
      const schedules = Object.fromEntries(
        this.schedules.map((s) => [s.name.trim(), $state.snapshot(s.windows)]),
      );
      const groupSchedules = Object.fromEntries(
        Object.entries(this.groupChoice).filter(([, name]) => name !== ''),
      );
      const r = await this.apiOf().setSchedules({ schedules, groupSchedules });
      if (!r.ok) {
        this.error = describeError(r.error);
        return;
      }
      this.show(r.value);
      this.saved = true;
    } finally {
      this.busy = false;
    }
  }

  private show(v: SchedulesView): void {
    this.error = null;
    this.schedules = Object.entries(v.schedules).map(([name, windows]) => ({ name, windows }));
    this.groups = v.groups;
    this.groupChoice = Object.fromEntries(v.groups.map((g) => [g, v.groupSchedules[g] ?? '']));
    this.timeZone = v.timeZone;
  }
}
