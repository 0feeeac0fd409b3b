import { z } from 'zod';
import { plainTextField, withoutControls } from './text-fields';
import {
  AUDIT_KINDS,
  AUDIT_PAGE,
  AUDIT_SOURCES,
  MAX_DOOR_FILTER_LENGTH,
  decodeAuditCursor,
  toIsoInstant,
  type AuditCursor,
} from './audit-review';
import { DECISIONS } from './domain';
import { LIMITS } from './limits';

/**
 * Request schemas of the review and erasure channels (merged into the contract in
 * contract.ts). Bounds are normalised here, so main only ever sees Date.toISOString() values.
 */

const isoInstant = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const iso = toIsoInstant(value);
    if (iso === null) {
      ctx.addIssue({
        code: 'custom',
        message: `not an ISO date-time (e.g. 2026-11-30T08:00:00Z): ${value}`,
      });
      return z.NEVER;
    }
    return iso;
  });

const cursor = z
  .string()
  .max(64)
  .transform((value, ctx): AuditCursor => {
    const c = decodeAuditCursor(value);
    if (c === null) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor returned by a previous page' });
      return z.NEVER;
    }
    return c;
  });

const auditFilterFields = z
  .object({
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    kind: z.enum(AUDIT_KINDS).optional(),
    decision: z.enum(DECISIONS).optional(),
    /** Person id or name; matched exactly (names case-insensitively), never as a pattern. */
    person: plainTextField(LIMITS.maxNameLength).optional(),
    /** Door id, matched exactly (never as a pattern). */
    door: withoutControls(z.string().min(1).max(MAX_DOOR_FILTER_LENGTH)).optional(),
    /** Station events only, or `station access` replays only; absent = both. */
    source: z.enum(AUDIT_SOURCES).optional(),
  })
  .strict();

const fromBeforeTo = (f: { from?: string | undefined; to?: string | undefined }) =>
  f.from === undefined || f.to === undefined || f.from < f.to;
const FROM_BEFORE_TO = { message: '"from" must be earlier than "to"', path: ['to'] };

export const auditFilterSchema = auditFilterFields.refine(fromBeforeTo, FROM_BEFORE_TO);

/** The CLI's filters of the log in log order: a time range, a person, a door. */
export const auditLogFilterSchema = auditFilterFields
  .pick({ from: true, to: true, person: true, door: true })
  .refine(fromBeforeTo, FROM_BEFORE_TO);

export const reviewContract = {
  /** GDPR Art. 17; also what a consent withdrawal does. `confirm` must be literally true. */
  'people:erase': z
    .object({
      personId: plainTextField(64),
      confirm: z.literal(true, { error: 'erasure must be confirmed with confirm: true' }),
    })
    .strict(),
  /** One page of the log, newest first, by keyset (cursor) rather than offset. */
  'audit:query': z
    .object({
      filter: auditFilterSchema,
      cursor: cursor.optional(),
      limit: z.number().int().min(1).max(AUDIT_PAGE.maxLimit).default(AUDIT_PAGE.defaultLimit),
      /** Resolve the page's pseudonyms of currently enrolled people to names (audited). */
      reveal: z.boolean().optional(),
    })
    .strict(),
  /**
   * One chunk of the CSV export of the same filters, oldest first; pseudonyms only unless
   * `names` asks for name and employee-id columns (each such chunk is audited).
   */
  'audit:export': z
    .object({ filter: auditFilterSchema, cursor: cursor.optional(), names: z.boolean().optional() })
    .strict(),
  'audit:detail': z.object({ id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }).strict(),
  'audit:verify': z.object({}).strict(),
  /** The distinct doors in the log, for the door filter's choices. */
  'audit:doors': z.object({}).strict(),
  /**
   * The live view: events after `afterId` (null = the newest few), oldest first. Polled with
   * the same session as every other call, so it is as protected as the search.
   */
  'audit:since': z
    .object({
      afterId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
      reveal: z.boolean().optional(),
      source: z.enum(AUDIT_SOURCES).optional(),
      door: z.string().min(1).max(MAX_DOOR_FILTER_LENGTH).optional(),
    })
    .strict(),
  /**
   * Per person and day (in the station's time zone): first and last granted entry, as CSV.
   * Pseudonyms unless `names` (audited). Replays never count.
   */
  'audit:attendance': z
    .object({
      from: isoInstant,
      to: isoInstant,
      door: z.string().min(1).max(MAX_DOOR_FILTER_LENGTH).optional(),
      names: z.boolean().optional(),
    })
    .strict()
    .refine((r) => r.from < r.to, { message: '"from" must be earlier than "to"', path: ['to'] }),
} as const;
