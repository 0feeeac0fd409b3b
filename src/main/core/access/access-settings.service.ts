import type { z } from 'zod';
import { terminalDisplaySchema, type TerminalDisplay } from '../../../shared/door-contract';
import type { SettingsStore } from '../ports/storage';
import { DEFAULT_DOOR_CONFIG, doorConfigSchema, type DoorConfig } from '../door/door-config';
import {
  DEFAULT_DOOR_IDENTITY,
  doorIdentitySchema,
  type DoorIdentity,
} from '../door/door-identity';
import {
  challengeSettingsSchema,
  DEFAULT_CHALLENGE_SETTINGS,
  type ChallengeSettings,
} from '../challenge/challenge-settings';
import {
  DEFAULT_LIVENESS_SETTINGS,
  livenessSettingsSchema,
  type LivenessSettings,
} from '../liveness/liveness-settings';
import {
  accessPolicySchema,
  DEFAULT_ACCESS_POLICY,
  type AccessPolicy,
} from './access-policy.schema';

const POLICY_KEY = 'access_policy';
const DOOR_KEY = 'door_controller';
const LIVENESS_KEY = 'liveness';
const IDENTITY_KEY = 'door_identity';
const CHALLENGE_KEY = 'liveness_challenge';
const DISPLAY_KEY = 'terminal_display';

/** Icons on (they help anyone who cannot read the language), sound off until a site wants it. */
export const DEFAULT_TERMINAL_DISPLAY: TerminalDisplay = { sound: false, icons: true };

/**
 * The door's rules and lock configuration. A stored value that does not validate falls back to the
 * defaults, which deny more; writes validate first. Reads are cached and the cache is dropped when
 * another connection writes (data_version), so a change applies from the next frame.
 */
export class AccessSettings {
  private readonly cache = new Map<string, unknown>();
  private cachedAt = -1;

  constructor(private readonly repo: SettingsStore) {}

  /** Changes when another process changed the database (see the class comment). */
  generation(): number {
    return this.repo.dataVersion();
  }

  policy(): AccessPolicy {
    return this.cached(POLICY_KEY, accessPolicySchema, DEFAULT_ACCESS_POLICY);
  }

  /** The zone the door schedules are written in, else this machine's zone. */
  timeZone(): string {
    return this.policy().timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  setPolicy(next: unknown): AccessPolicy {
    return this.write(POLICY_KEY, accessPolicySchema, next);
  }

  liveness(): LivenessSettings {
    return this.cached(LIVENESS_KEY, livenessSettingsSchema, DEFAULT_LIVENESS_SETTINGS);
  }

  setLiveness(next: unknown): LivenessSettings {
    return this.write(LIVENESS_KEY, livenessSettingsSchema, next);
  }

  /** The active challenge's settings, read when a challenge starts. */
  challenge(): ChallengeSettings {
    return this.cached(CHALLENGE_KEY, challengeSettingsSchema, DEFAULT_CHALLENGE_SETTINGS);
  }

  setChallenge(next: unknown): ChallengeSettings {
    return this.write(CHALLENGE_KEY, challengeSettingsSchema, next);
  }

  door(): DoorConfig {
    return this.cached(DOOR_KEY, doorConfigSchema, DEFAULT_DOOR_CONFIG);
  }

  /** The terminal's cues for granted / denied (sound, icons). */
  terminalDisplay(): TerminalDisplay {
    return this.cached(DISPLAY_KEY, terminalDisplaySchema, DEFAULT_TERMINAL_DISPLAY);
  }

  setTerminalDisplay(next: unknown): TerminalDisplay {
    return this.write(DISPLAY_KEY, terminalDisplaySchema, next);
  }

  setDoor(next: unknown): DoorConfig {
    return this.write(DOOR_KEY, doorConfigSchema, next);
  }

  /** The door's id and label (default door-1); read for every audited door row. */
  identity(): DoorIdentity {
    return this.cached(IDENTITY_KEY, doorIdentitySchema, DEFAULT_DOOR_IDENTITY);
  }

  setIdentity(next: unknown): DoorIdentity {
    return this.write(IDENTITY_KEY, doorIdentitySchema, next);
  }

  /** The stored value (or the defaults), from the cache while no other process wrote. */
  private cached<T>(key: string, schema: z.ZodType<T>, defaults: T): T {
    const generation = this.repo.dataVersion();
    if (generation !== this.cachedAt) {
      this.cache.clear();
      this.cachedAt = generation;
    }
    if (!this.cache.has(key)) this.cache.set(key, this.read(key, schema, defaults));
    // Only this method fills the entry for `key`, always from `schema`.
    return this.cache.get(key) as T;
  }

  /** A copy of the defaults when the stored value is missing or no longer validates. */
  private read<T>(key: string, schema: z.ZodType<T>, defaults: T): T {
    const parsed = schema.safeParse(this.repo.get(key));
    return parsed.success ? parsed.data : structuredClone(defaults);
  }

  private write<T>(key: string, schema: z.ZodType<T>, next: unknown): T {
    const valid = schema.parse(next);
    this.repo.set(key, valid);
    this.cache.set(key, valid);
    return valid;
  }
}
