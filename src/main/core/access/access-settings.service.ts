import type { z } from 'zod';
import type { SettingsRepository } from '../../db/settings.repository';
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

/**
 * The door's rules and lock configuration. Reads never throw: a stored value that no longer
 * validates (hand-edited, older version) falls back to the defaults, which deny more, not less.
 * Writes validate first, so an invalid policy is refused with the reason and nothing changes.
 */
export class AccessSettings {
  private cachedPolicy: AccessPolicy | null = null;
  private cachedIdentity: DoorIdentity | null = null;

  constructor(private readonly repo: SettingsRepository) {}

  policy(): AccessPolicy {
    // Read on every frame: cache it; setPolicy() is the only writer in this process.
    this.cachedPolicy ??= this.read(POLICY_KEY, accessPolicySchema, DEFAULT_ACCESS_POLICY);
    return this.cachedPolicy;
  }

  setPolicy(next: unknown): AccessPolicy {
    this.cachedPolicy = this.write(POLICY_KEY, accessPolicySchema, next);
    return this.cachedPolicy;
  }

  liveness(): LivenessSettings {
    return this.read(LIVENESS_KEY, livenessSettingsSchema, DEFAULT_LIVENESS_SETTINGS);
  }

  setLiveness(next: unknown): LivenessSettings {
    return this.write(LIVENESS_KEY, livenessSettingsSchema, next);
  }

  /** The active challenge's settings; read when a challenge starts, so not cached. */
  challenge(): ChallengeSettings {
    return this.read(CHALLENGE_KEY, challengeSettingsSchema, DEFAULT_CHALLENGE_SETTINGS);
  }

  setChallenge(next: unknown): ChallengeSettings {
    return this.write(CHALLENGE_KEY, challengeSettingsSchema, next);
  }

  door(): DoorConfig {
    return this.read(DOOR_KEY, doorConfigSchema, DEFAULT_DOOR_CONFIG);
  }

  setDoor(next: unknown): DoorConfig {
    return this.write(DOOR_KEY, doorConfigSchema, next);
  }

  /** The door's id and label (default door-1); read for every audited door row, so cached. */
  identity(): DoorIdentity {
    this.cachedIdentity ??= this.read(IDENTITY_KEY, doorIdentitySchema, DEFAULT_DOOR_IDENTITY);
    return this.cachedIdentity;
  }

  setIdentity(next: unknown): DoorIdentity {
    this.cachedIdentity = this.write(IDENTITY_KEY, doorIdentitySchema, next);
    return this.cachedIdentity;
  }

  /** A copy of the defaults when the stored value is missing or no longer validates. */
  private read<T>(key: string, schema: z.ZodType<T>, defaults: T): T {
    const parsed = schema.safeParse(this.repo.get(key));
    return parsed.success ? parsed.data : structuredClone(defaults);
  }

  private write<T>(key: string, schema: z.ZodType<T>, next: unknown): T {
    const valid = schema.parse(next);
    this.repo.set(key, valid);
    return valid;
  }
}
