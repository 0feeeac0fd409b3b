import type { RevealedNames, RevealedPerson } from '../../../shared/audit-review';

export interface AuditNamesDeps {
  /** The people enrolled now (erased people are gone from this list, and from their links). */
  people: () => readonly RevealedPerson[];
  /** Every subject HMAC a person's rows may carry; [] once erased. */
  subjectsOf: (personId: string) => string[];
}

/**
 * Resolves audit pseudonyms to currently enrolled people in memory when a reviewer looks. Nothing
 * is cached, so an erasure (which destroys the link secret) makes that person's rows unresolvable
 * at once.
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
