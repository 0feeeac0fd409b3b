import { z } from 'zod';
import { plainTextField } from '../../../shared/text-fields';

/**
 * Which door this station drives, as the audit log names it. The id is what rows carry (in
 * `details.door`, covered by the MAC) and what the reviewer filters by, so it is short, stable
 * and plain (no spaces, no quotes: it appears in CSV files and on command lines). The label is
 * for people ("Main entrance") and may change freely; renaming the id starts a new door in the
 * log (older rows keep the old id), which is why it is its own audited setting.
 */
export const DOOR_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,47}$/i;

export const doorIdentitySchema = z
  .object({
    id: z
      .string()
      .regex(
        DOOR_ID_PATTERN,
        'door id: 1-48 letters, digits, ".", "_" or "-", starting with a letter or digit',
      ),
    label: plainTextField(80),
  })
  .strict();

export type DoorIdentity = z.infer<typeof doorIdentitySchema>;

/** A station installed before door ids existed is the one door it always was: door-1. */
export const DEFAULT_DOOR_IDENTITY: DoorIdentity = { id: 'door-1', label: 'Door 1' };
