import { terminalDisplaySchema, type TerminalDisplay } from '../../../shared/door-contract';
import { accessPolicySchema, type AccessPolicy } from '../access/access-policy.schema';
import type { AccessSettings } from '../access/access-settings.service';
import type { DoorTerminalAdmin } from '../access/door-terminal-admin';
import type { AuditRecorder } from '../audit/audit-recorder';
import { challengeSettingsSchema, type ChallengeSettings } from '../challenge/challenge-settings';
import { livenessSettingsSchema, type LivenessSettings } from '../liveness/liveness-settings';
import { policyForAudit } from '../site/site-access';
import { doorConfigSchema, type DoorConfig } from './door-config';
import { doorIdentitySchema, type DoorIdentity } from './door-identity';

export interface DoorSettingsAdminDeps {
  access: AccessSettings;
  audit: AuditRecorder;
  terminalAdmin: DoorTerminalAdmin;
  /** Drops the lock actuator so the next command uses the controller just configured. */
  replaceLock: () => void;
}

/** The parts of a door settings change; null = not part of this change. */
export interface DoorSettingsParts {
  policy: unknown;
  door: unknown;
  liveness: unknown;
  identity?: unknown;
  challenge?: unknown;
  terminal?: unknown;
}

/**
 * Every change of this door's settings: validated (invalid -> zod error, nothing changes)
 * and audited as one settings-change row naming the door.
 */
export class DoorSettingsAdmin {
  constructor(private readonly d: DoorSettingsAdminDeps) {}

  /** The id every audit row about this station's door carries (the reviewer's door filter). */
  doorId(): string {
    return this.d.access.identity().id;
  }

  setAccessPolicy(next: unknown, changedBy: string): AccessPolicy {
    const valid = this.d.access.setPolicy(next);
    // Memberships as counts: a raw person id in the log would outlive the person's erasure.
    this.record('access_policy', changedBy, policyForAudit(valid));
    return valid;
  }

  /** Liveness thresholds; they apply to faces whose window starts after this. */
  setLiveness(next: unknown, changedBy: string): LivenessSettings {
    const valid = this.d.access.setLiveness(next);
    this.record('liveness', changedBy, valid);
    return valid;
  }

  /** The active challenge's settings; they apply to the next challenge asked. */
  setChallenge(next: unknown, changedBy: string): ChallengeSettings {
    const valid = this.d.access.setChallenge(next);
    this.record('liveness_challenge', changedBy, valid);
    return valid;
  }

  /** The terminal's cues; the screen shows them from its next update. */
  setTerminalDisplay(next: unknown, changedBy: string): TerminalDisplay {
    return this.d.terminalAdmin.setDisplay(next, changedBy).value;
  }

  /**
   * Names the door. The row is filed under the new id and names the old one, so a reviewer
   * who finds a new door id in the log can see which id it continues.
   */
  setIdentity(next: unknown, changedBy: string): DoorIdentity {
    const previous = this.d.access.identity();
    const valid = this.d.access.setIdentity(next);
    this.d.audit.recordSettings({
      setting: 'door_identity',
      door: valid.id,
      label: valid.label,
      changedBy,
      previousDoor: previous.id,
      previousLabel: previous.label,
    });
    return valid;
  }

  /** Switches the lock controller; the new one is used from the next command on. */
  setDoorConfig(next: unknown, changedBy: string): DoorConfig {
    const valid = this.d.access.setDoor(next);
    // The webhook secret lives in its key file; only the shape of the config is logged.
    this.record('door_controller', changedBy, valid);
    this.d.replaceLock();
    return valid;
  }

  /** Throws the validation error of the first invalid part; writes nothing. */
  validate(parts: DoorSettingsParts): void {
    if (parts.policy !== null) accessPolicySchema.parse(parts.policy);
    if (parts.door !== null) doorConfigSchema.parse(parts.door);
    if (parts.liveness !== null) livenessSettingsSchema.parse(parts.liveness);
    if (parts.challenge !== undefined && parts.challenge !== null)
      challengeSettingsSchema.parse(parts.challenge);
    if (parts.identity !== undefined && parts.identity !== null)
      doorIdentitySchema.parse(parts.identity);
    if (parts.terminal !== undefined && parts.terminal !== null)
      terminalDisplaySchema.parse(parts.terminal);
  }

  private record(setting: string, changedBy: string, value: unknown): void {
    this.d.audit.recordSettings({ setting, door: this.doorId(), changedBy, value });
  }
}
