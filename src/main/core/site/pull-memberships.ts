import type { LocalReplicaPort, Membership, ReplicaPerson } from './local-replica-port';

/**
 * The site people's groups and schedules as one pull folds them into the door policy, read
 * from the replica once per pull and then kept up to date with the people each page applies.
 * Re-reading every site person on every page made a first sync of a site with groups
 * quadratic (a 100k-person site is dozens of pages).
 *
 * The copy is trusted only while nobody else changed the replica's people: each page checks,
 * inside its transaction, the fingerprint it left (people count, version sum, cursor). An
 * erasure (tombstone or local) or another process of this station pulling changes it, and the
 * page reads everyone again, as before.
 */
export class PullMemberships {
  private byPerson: Map<string, Membership> | null = null;
  private fingerprint = '';

  constructor(private readonly replica: LocalReplicaPort) {}

  /** Call inside the page's transaction, before it writes its people. */
  checkBeforeApply(): void {
    if (this.byPerson && this.replica.membershipFingerprint() !== this.fingerprint) {
      this.byPerson = null;
    }
  }

  /**
   * Call inside the transaction after the page's people are written: everyone's memberships,
   * in person id order (as the replica lists them).
   */
  afterApply(applied: readonly ReplicaPerson[]): Membership[] {
    if (this.byPerson === null) {
      this.byPerson = new Map(this.replica.memberships().map((m) => [m.personId, m]));
    } else {
      for (const p of applied) {
        if (p.groups.length === 0 && p.schedule === null) this.byPerson.delete(p.personId);
        else
          this.byPerson.set(p.personId, {
            personId: p.personId,
            groups: [...p.groups],
            schedule: p.schedule,
          });
      }
    }
    return [...this.byPerson.values()].sort((a, b) => compare(a.personId, b.personId));
  }

  /** Call inside the transaction once the page moved the cursor: the state this copy matches. */
  settle(): void {
    if (this.byPerson) this.fingerprint = this.replica.membershipFingerprint();
  }
}

/** Byte order, as SQLite's BINARY collation sorts the ids (ASCII uuids). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
