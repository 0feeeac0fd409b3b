import { z } from 'zod';
import { LIMITS } from './limits';
import { doorIdField, plainTextField } from './text-fields';

/**
 * The site's admin operations only the CLI offers (`station site ...`): the versioned
 * directory writes of a joined station, and the membership steps (init, join, pair, revoke,
 * leave). Merged into the contract by channels/site-admin-channels.ts.
 */

/** A schedule or group name as the site directory keys it. */
const siteName = plainTextField(64);

/** A PostgreSQL connection URL (libpq's URI form); the password may be in it. */
const postgresUrl = z
  .string()
  .max(4096)
  .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL');

/** The single-writer version the admin last saw; absent = the version this station holds. */
const expectVersion = z.number().int().min(1).optional();

/** Which hours a schedule opens the door: ISO weekdays (1 = Monday) and HH:MM local time. */
export const weeklyWindowsSchema = z
  .array(
    z
      .object({
        days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
        from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
        to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM'),
      })
      .strict(),
  )
  .max(50);

const settingsPart = z.record(z.string(), z.unknown()).optional();

export const siteAdminContract = {
  /** A site person's HR fields; at least one of them. */
  'site:person-set': z
    .object({
      personId: plainTextField(64),
      employeeId: withEmptyAsNull(LIMITS.maxNameLength).optional(),
      groups: z.array(siteName).max(100).optional(),
      schedule: withEmptyAsNull(64).optional(),
      expectVersion,
    })
    .strict()
    .refine(
      (r) => r.employeeId !== undefined || r.groups !== undefined || r.schedule !== undefined,
      'needs an employee id, groups and/or a schedule',
    ),
  'site:schedule-set': z
    .object({ name: siteName, windows: weeklyWindowsSchema, expectVersion })
    .strict(),
  'site:schedule-delete': z.object({ name: siteName, expectVersion }).strict(),
  'site:group-set': z
    .object({ name: siteName, schedule: siteName.nullable(), expectVersion })
    .strict(),
  'site:group-delete': z.object({ name: siteName, expectVersion }).strict(),
  /** This door's site record: policy fields stay partial, liveness is stored whole. */
  'site:door-set': z
    .object({ policy: settingsPart, liveness: settingsPart, expectVersion })
    .strict()
    .refine((r) => r.policy !== undefined || r.liveness !== undefined, 'needs policy or liveness'),
  /** Creates the site behind the owner URL; this station becomes its first member. */
  'site:init': z
    .object({ adminUrl: postgresUrl, label: plainTextField(80), doorId: doorIdField })
    .strict(),
  'site:join': z.object({ url: postgresUrl, code: plainTextField(64) }).strict(),
  'site:pair': z
    .object({
      adminUrl: postgresUrl,
      label: plainTextField(80),
      doorId: doorIdField,
      // A code is meant for a walk to the door, not a standing invitation: at most 30 days.
      ttlHours: z.number().positive().max(720).optional(),
    })
    .strict(),
  'site:revoke': z
    .object({ adminUrl: postgresUrl, station: plainTextField(200), reason: plainTextField(500) })
    .strict(),
  'site:leave': z.object({}).strict(),
} as const;

/** '' clears the field (null); anything else is a trimmed line of plain text. */
function withEmptyAsNull(max: number) {
  return z.union([z.literal('').transform(() => null), plainTextField(max)]).nullable();
}

type Counts<K extends string> = Record<K, number>;

/** What a sync did (the CLI prints it; the core report may carry more, e.g. timings). */
export interface SiteSyncReport {
  push: Counts<'events' | 'duplicates' | 'tombstones' | 'acks'>;
  pull: Counts<
    'changes' | 'people' | 'templatesAdded' | 'templatesRemoved' | 'erased' | 'access' | 'cursor'
  > & { problems: string[] };
  verified: number;
}

/** `site init` / `site join`: the membership and how its first sync went. */
export interface SiteJoinView {
  siteId: string;
  stationId: string;
  label: string;
  doorId: string;
  sync: SiteSyncReport | null;
  /** Why the first sync did not complete (the station syncs again later). */
  syncError: string | null;
}

export interface SitePairingView {
  code: string;
  stationId: string;
  expiresAt: string;
  joinUrl: string;
}

export interface SiteLeaveView {
  /** The site was reached and told (it stops sending). */
  told: boolean;
  erased: number;
  verified: boolean;
}
