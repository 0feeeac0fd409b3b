import { z } from 'zod';
import { doorIdField, plainTextField } from '../../../shared/text-fields';

/**
 * Which door this station drives, as the audit log names it. The id is carried in MAC-covered rows
 * and filtered on, so it is short and plain; renaming it starts a new door in the log, which is why
 * it is its own audited setting. The label may change freely.
 */
export const doorIdentitySchema = z
  .object({
    id: doorIdField,
    label: plainTextField(80),
  })
  .strict();

export type DoorIdentity = z.infer<typeof doorIdentitySchema>;

/** The door a station drives until an admin names it. */
export const DEFAULT_DOOR_IDENTITY: DoorIdentity = { id: 'door-1', label: 'Door 1' };
