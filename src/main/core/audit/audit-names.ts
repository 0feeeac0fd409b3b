import type { RevealedNames, RevealedPerson } from '../../../shared/audit-review';

export interface AuditNamesDeps {
  /** The people enrolled now (erased people are gone from this list, and from their links). */
  people: () => readonly RevealedPerson[];
  /** Every subject HMAC a person's rows may carry; [] once erased. */
  subjectsOf: (personId: string) => string[];
}

/**
 * Turns audit pseudonyms back into the names of CURRENTLY enrolled people, in memory, at the
 * moment a reviewer looks. The log never holds a name: each subject is an HMAC over the person
 * id and their link secret, so the station recomputes every enrolled person's subjects and
 * matches. Nothing is cached: an erasure (here or by another process) destroys the link
 * secret, and the next look can no longer resolve that person's rows. One HMAC per enrolled
 * person per request: ~1 ms for a thousand people.
 */
export class AuditNameResolver {
  constructor(private readonly d: AuditNamesDeps) {}

  /** The given subjects that belong to someone enrolled now (others are left out). */
  resolve(subjects: Iterable<string | null>): RevealedNames {
    const wanted = new Set<string>();
    for (const s of subjects) if (s !== null) wanted.add(s);
    const out: RevealedNames = {};
    if (wanted.size === 0) return out;
    for (const person of this.d.people()) {
      for (const subject of this.d.subjectsOf(person.id)) {
        if (wanted.has(subject)) out[subject] = { ...person };
      }
    }
    return out;
  }
}
