import type { SettingsRepository } from '../../db/settings.repository';
import { DEFAULT_DOOR_CONFIG, doorConfigSchema, type DoorConfig } from '../door/door-config';
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

/**
 * The door's rules and lock configuration. Reads never throw: a stored value that no longer
 * validates (hand-edited, older version) falls back to the defaults, which deny more, not less.
 * Writes validate first, so an invalid policy is refused with the reason and nothing changes.
 */
export class AccessSettings {
  private cachedPolicy: AccessPolicy | null = null;

  constructor(private readonly repo: SettingsRepository) {}

  policy(): AccessPolicy {
    // Read on every frame: cache it; setPolicy() is the only writer in this process.
    if (this.cachedPolicy) return this.cachedPolicy;
    const parsed = accessPolicySchema.safeParse(this.repo.get(POLICY_KEY));
    this.cachedPolicy = parsed.success ? parsed.data : structuredClone(DEFAULT_ACCESS_POLICY);
    return this.cachedPolicy;
  }

  setPolicy(next: unknown): AccessPolicy {
    const valid = accessPolicySchema.parse(next);
    this.repo.set(POLICY_KEY, valid);
    this.cachedPolicy = valid;
    return valid;
  }

  liveness(): LivenessSettings {
    const parsed = livenessSettingsSchema.safeParse(this.repo.get(LIVENESS_KEY));
    return parsed.success ? parsed.data : structuredClone(DEFAULT_LIVENESS_SETTINGS);
  }

  setLiveness(next: unknown): LivenessSettings {
    const valid = livenessSettingsSchema.parse(next);
    this.repo.set(LIVENESS_KEY, valid);
    return valid;
  }

  door(): DoorConfig {
    const parsed = doorConfigSchema.safeParse(this.repo.get(DOOR_KEY));
    return parsed.success ? parsed.data : DEFAULT_DOOR_CONFIG;
  }

  setDoor(next: unknown): DoorConfig {
    const valid = doorConfigSchema.parse(next);
    this.repo.set(DOOR_KEY, valid);
    return valid;
  }
}
