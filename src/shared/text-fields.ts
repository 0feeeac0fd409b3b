import { z } from 'zod';
import { controlCharacterIn } from './plain-text';

/** Refines a string schema: no control characters (plain-text.ts says which and why). */
export function withoutControls<T extends z.ZodType<string>>(schema: T): T {
  return schema.superRefine((text, ctx) => {
    const control = controlCharacterIn(text);
    if (control !== null)
      ctx.addIssue({
        code: 'custom',
        message: `contains a control character (${control}); only plain text is accepted`,
      });
  });
}

/** A trimmed, non-empty line of plain text of at most `max` characters (names, labels). */
export function plainTextField(max: number) {
  return withoutControls(z.string().trim().min(1).max(max));
}

/** A door id as MAC-covered audit rows carry it and filters match it: short and plain. */
export const DOOR_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,47}$/i;

export const doorIdField = z
  .string()
  .regex(
    DOOR_ID_PATTERN,
    'door id: 1-48 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );
