import type { z } from 'zod';
import type { OperatorRole } from '../operator-roles';

declare const RESPONSE: unique symbol;

/** Carries a channel's success type at compile time only (the runtime value is a marker). */
export interface Returns<T> {
  readonly returns: true;
  readonly [RESPONSE]: T;
}

/** `response: returns<PersonSummary>()` in a channel entry. */
export const returns = <T>(): Returns<T> => ({ returns: true }) as Returns<T>;

/**
 * Everything about one channel in one place: what it accepts (zod, parsed in main), what it
 * answers, who may call it and the name the page calls it by. A channel without `method` is
 * a tool of the CLI only (the admin's, but for the reviewer's `audit:log`): the page's bridge
 * has no method for it and the IPC/HTTP hosts answer it as an unknown channel, so the loopback
 * port does not grow with the CLI.
 */
export interface ChannelEntry<
  S extends z.ZodType = z.ZodType,
  R = unknown,
  M extends string | undefined = string | undefined,
> {
  request: S;
  response: Returns<R>;
  /** Who may call it; empty = the door terminal's channels, open to the screen at the door. */
  roles: readonly OperatorRole[];
  method: M;
}

/** Keeps each entry's literal types (method name, schema) while checking its shape. */
export const defineChannels = <const T extends Record<string, ChannelEntry>>(entries: T): T =>
  entries;
