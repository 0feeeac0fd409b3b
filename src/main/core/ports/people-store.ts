import type { PersonSummary } from '../../../shared/domain';

export interface ConsentRecord {
  textVersion: string;
  purpose: string;
  grantedAt: string;
  recordedBy: string;
}

/** The HR admin's fields of a new person (migration 0220). */
export interface PersonProfile {
  employeeId?: string | null | undefined;
  groups?: readonly string[] | undefined;
}

/** Fields an edit may change; absent = unchanged. */
export interface PersonPatch extends PersonProfile {
  name?: string | undefined;
  schedule?: string | null | undefined;
}

/** What the door's schedule check needs to know about one person. */
export interface PersonAccessProfile {
  schedule: string | null;
  groups: string[];
}

export interface PersonLink {
  secret: Buffer;
  /** The person existed before migration 0030: older audit rows use the pepper-only subject. */
  legacy: boolean;
}

/** People, their consent records and their HR fields (db/people.repository.ts). */
export interface PeopleStore {
  create(
    id: string,
    name: string,
    createdAt: string,
    consent: ConsentRecord,
    profile?: PersonProfile,
  ): void;
  /** Another consent record for an existing person (re-enrolment with new photos). */
  addConsent(personId: string, consent: ConsentRecord): void;
  /** Changes the given fields of one person (call inside a transaction with its audit row). */
  update(personId: string, patch: PersonPatch): void;
  list(): PersonSummary[];
  findById(id: string): PersonSummary | undefined;
  findByName(name: string): PersonSummary[];
  /** The person enrolled under this employee id (compared without case), if any. */
  findByEmployeeId(employeeId: string): PersonSummary | undefined;
  /** Personal schedule and groups of one person (the door's schedule check); null if unknown. */
  accessProfile(personId: string): PersonAccessProfile | null;
  /** Every group someone is in, sorted. */
  groupNames(): string[];
  /** Schedule name -> how many people follow it personally. */
  personalScheduleUse(): Record<string, number>;
  /** Removes the person, their consent records and group memberships. */
  delete(personId: string): { person: number; consents: number };
  /** People whose record was created at or after `since` (ISO; null: everyone). */
  countCreatedSince(since: string | null): number;
  count(): number;
}

/** Per-person link secrets behind audit subjects (db/person-links.repository.ts). */
export interface PersonLinkStore {
  /** A fresh random secret for a new person (call inside the enrolment transaction). */
  create(personId: string): void;
  find(personId: string): PersonLink | undefined;
  /** Returns how many secrets were destroyed (0 or 1). */
  delete(personId: string): number;
}
