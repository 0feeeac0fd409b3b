import type { StationApi } from '../../../shared/api-methods';
import type { PersonSummary } from '../../../shared/domain';
import {
  employeeIdProblem,
  groupListProblem,
  personNameProblem,
  splitGroups,
} from '../../../shared/person-fields';
import { LIMITS } from '../../../shared/limits';
import { describeError } from './messages';

/**
 * The HR admin's edit of one enrolled person: name, employee id, groups (typed as a list) and
 * the door schedule chosen by name from the station's schedules. Checked here with the same
 * rules main applies (person-fields.ts), so a problem shows before anything is sent.
 */
export class PersonEditState {
  person = $state.raw<PersonSummary | null>(null);
  name = $state('');
  employeeId = $state('');
  groupsText = $state('');
  /** '' = follow the groups' schedules. */
  schedule = $state('');
  scheduleNames = $state.raw<string[]>([]);
  busy = $state(false);
  error = $state<string | null>(null);

  readonly problem = $derived(
    personNameProblem(this.name, LIMITS.maxNameLength) ??
      (this.employeeId.trim() ? employeeIdProblem(this.employeeId.trim()) : null) ??
      groupListProblem(splitGroups(this.groupsText)),
  );

  constructor(
    /** A getter: the view's props may be replaced (Svelte props are read lazily). */
    private readonly apiOf: () => StationApi,
    private readonly onSaved: () => Promise<void>,
  ) {}

  async open(person: PersonSummary): Promise<void> {
    this.person = person;
    this.name = person.name;
    this.employeeId = person.employeeId ?? '';
    this.groupsText = person.groups.join('; ');
    this.schedule = person.schedule ?? '';
    this.error = null;
    const r = await this.apiOf().schedules({});
    this.scheduleNames = r.ok ? Object.keys(r.value.schedules).sort() : [];
    if (!r.ok) this.error = describeError(r.error);
  }

  /** Saves; true when the dialog may close. */
  async save(): Promise<boolean> {
    if (!this.person || this.problem) return false;
    this.busy = true;
    try {
      const r = await this.apiOf().updatePerson({
        personId: this.person.id,
        name: this.name.trim(),
        employeeId: this.employeeId.trim() || null,
        groups: splitGroups(this.groupsText),
        schedule: this.schedule || null,
      });
      if (!r.ok) {
        this.error = describeError(r.error);
        return false;
      }
      await this.onSaved();
      return true;
    } finally {
      this.busy = false;
    }
  }
}
