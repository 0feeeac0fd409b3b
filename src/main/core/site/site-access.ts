import { accessPolicySchema, type AccessPolicy } from '../access/access-policy.schema';
import { livenessSettingsSchema, type LivenessSettings } from '../liveness/liveness-settings';
import type { Membership } from './local-replica-port';
import type { CentralAccessRecord } from './site-ports';

/** The station's door rules as the site pull reads and writes them (audited by the station). */
export interface LocalAccessPort {
  doorId(): string;
  policy(): AccessPolicy;
  setPolicy(next: unknown, changedBy: string): AccessPolicy;
  liveness(): LivenessSettings;
  setLiveness(next: unknown, changedBy: string): LivenessSettings;
}

/** Fields of the door policy that come from the site's people, groups and schedules. */
const DIRECTORY_FIELDS = ['schedules', 'groups', 'groupSchedules', 'personSchedules'] as const;

/** What a door's site record may set: any policy field but the directory's, and liveness. */
export interface DoorSettingsValue {
  policy?: Partial<AccessPolicy>;
  liveness?: LivenessSettings;
}

export interface AccessChange {
  /** The door's policy to store, or null when nothing in it changed. */
  policy: AccessPolicy | null;
  liveness: LivenessSettings | null;
  /** Records that could not be applied (invalid door settings), said in the sync status. */
  problems: string[];
}

/**
 * Folds the site's schedules, groups, this door's settings and the people's memberships into
 * the door's one access policy (the decision engine reads nothing else). Schedules and group
 * schedules arrive one record at a time; memberships are recomputed from every site person
 * when any changed. A name that refers to a schedule the station does not have becomes an
 * empty schedule: a person restricted to an unknown schedule is refused, never let in.
 */
export function foldSiteAccess(
  current: AccessPolicy,
  records: readonly CentralAccessRecord[],
  gone: readonly { entity: 'schedule' | 'group' | 'door'; name: string }[],
  doorId: string,
  members: readonly Membership[] | null,
): AccessChange {
  const next: AccessPolicy = structuredClone(current);
  const problems: string[] = [];
  let liveness: LivenessSettings | null = null;
  for (const g of gone) {
    if (g.entity === 'schedule') delete next.schedules[g.name];
    if (g.entity === 'group') delete next.groupSchedules[g.name];
  }
  for (const r of records) {
    if (r.entity === 'schedule')
      next.schedules[r.name] = r.value as AccessPolicy['schedules'][string];
    if (r.entity === 'group') {
      const schedule = (r.value as { schedule?: string | null } | null)?.schedule ?? null;
      if (schedule === null) delete next.groupSchedules[r.name];
      else next.groupSchedules[r.name] = schedule;
    }
    if (r.entity === 'door' && r.name === doorId) {
      const door = applyDoorRecord(next, r.value, problems);
      liveness = door ?? liveness;
    }
  }
  if (members !== null) {
    next.groups = {};
    next.personSchedules = {};
    for (const m of members) {
      for (const g of m.groups) (next.groups[g] ??= []).push(m.personId);
      if (m.schedule !== null) next.personSchedules[m.personId] = m.schedule;
    }
  }
  // Unknown schedules restrict to "never" rather than failing the whole policy.
  for (const s of [...Object.values(next.personSchedules), ...Object.values(next.groupSchedules)]) {
    next.schedules[s] ??= [];
  }
  const valid = accessPolicySchema.safeParse(next);
  if (!valid.success) {
    problems.push(`site access settings rejected: ${valid.error.issues[0]?.message ?? 'invalid'}`);
    return { policy: null, liveness, problems };
  }
  const changed = JSON.stringify(valid.data) !== JSON.stringify(current);
  return { policy: changed ? valid.data : null, liveness, problems };
}

/** Copies a door record's policy fields (never the directory's) and returns its liveness. */
function applyDoorRecord(
  next: AccessPolicy,
  value: unknown,
  problems: string[],
): LivenessSettings | null {
  const door = (value ?? {}) as DoorSettingsValue;
  const policy = { ...(door.policy ?? {}) } as Record<string, unknown>;
  for (const f of DIRECTORY_FIELDS) delete policy[f];
  Object.assign(next, policy);
  if (door.liveness === undefined) return null;
  const parsed = livenessSettingsSchema.safeParse(door.liveness);
  if (!parsed.success) {
    problems.push(
      `site liveness settings rejected: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
    return null;
  }
  return parsed.data;
}

/**
 * The policy as a site-applied settings row records it: memberships as counts, never the
 * person ids (a raw id in the log would outlive the person's erasure and link their rows).
 */
export function policyForAudit(p: AccessPolicy): Record<string, unknown> {
  const { groups, personSchedules, ...rest } = p;
  return {
    ...rest,
    groups: Object.fromEntries(Object.entries(groups).map(([g, members]) => [g, members.length])),
    personSchedules: Object.keys(personSchedules).length,
  };
}
