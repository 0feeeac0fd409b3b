import { StationError } from '../../../shared/errors';
import type {
  DoorAdminRequest,
  DoorAdminResult,
  DoorScreenState,
  TerminalDisplay,
} from '../../../shared/door-contract';
import type { AuditRecorder, SettingsChange } from '../audit/audit-recorder';
import type { AccessSettings } from './access-settings.service';
import type { DoorFrameService } from './door-frame.service';
import type { DoorScreen, DoorScreenListener } from './door-screen';

export interface DoorTerminalAdminDeps {
  access: AccessSettings;
  door: DoorFrameService;
  screen: DoorScreen;
  audit: AuditRecorder;
  doorId: () => string;
  /** Called when another process changed the settings (the lock controller may be new). */
  onExternalChange: () => void;
}

/** How often a terminal being watched checks for settings changed by another process. */
const SETTINGS_WATCH_MS = 1_000;

/**
 * Audited admin actions at the door terminal (allow its camera, lift lockouts, set cues). Also
 * refreshes a watched terminal when another process changes settings while no frame arrives.
 */
export class DoorTerminalAdmin {
  private watch: NodeJS.Timeout | null = null;
  private seenGeneration = -1;

  constructor(private readonly d: DoorTerminalAdminDeps) {}

  act(req: DoorAdminRequest, changedBy: string): DoorAdminResult {
    switch (req.action) {
      case 'allow_camera':
        return this.result(req.action, this.allowCamera(req.label, changedBy));
      case 'reset_lockout':
        return this.result(req.action, this.resetLockout(changedBy));
      case 'terminal_display':
        return this.result(req.action, this.setDisplay(req.display, changedBy).row);
    }
  }

  /** The terminal's cues (validated, audited); the screen shows them at once. */
  setDisplay(next: unknown, changedBy: string): { value: TerminalDisplay; row: number } {
    const value = this.d.access.setTerminalDisplay(next);
    const row = this.settingsRow({ setting: 'terminal_display', changedBy, value });
    this.d.screen.republish();
    return { value, row };
  }

  /** A subscription to the screen that also keeps it current with other processes' changes. */
  subscribe(listener: DoorScreenListener): () => void {
    this.startWatch();
    const off = this.d.screen.subscribe(listener);
    return () => {
      off();
      if (this.d.screen.subscribers === 0) this.stopWatch();
    };
  }

  dispose(): void {
    this.stopWatch();
  }

  /**
   * The label must be the camera the terminal reported: the admin confirmed that name, and a
   * camera swapped in meanwhile must not be allowed under it.
   */
  private allowCamera(label: string, changedBy: string): number {
    const current = this.d.door.cameraView();
    if (current.label === null || current.label.trim() !== label.trim())
      throw new StationError(
        'BAD_REQUEST',
        `The terminal's camera is ${current.label === null ? 'not reported yet' : `"${current.label}"`}, not "${label}": nothing was allowed.`,
      );
    const policy = this.d.access.policy();
    const allowed = policy.allowedCameraLabels.includes(label.trim())
      ? policy.allowedCameraLabels
      : [...policy.allowedCameraLabels, label.trim()];
    this.d.access.setPolicy({ ...policy, allowedCameraLabels: allowed });
    const row = this.settingsRow({
      setting: 'allowed_camera',
      changedBy,
      camera: label.trim(),
      value: allowed,
    });
    this.d.door.rejudgeCamera();
    return row;
  }

  private resetLockout(changedBy: string): number {
    const lifted = this.d.door.resetLockout();
    const door = this.d.doorId();
    return this.d.audit.record({
      kind: 'door',
      decision: null,
      personId: null,
      similarity: null,
      details: { door, command: 'lockout_reset', changedBy, ...lifted },
    });
  }

  private settingsRow(details: SettingsChange): number {
    return this.d.audit.recordSettings({ ...details, door: this.d.doorId() });
  }

  private result(action: DoorAdminRequest['action'], auditId: number): DoorAdminResult {
    const state: DoorScreenState = this.d.screen.current();
    return { action, auditId, state };
  }

  private startWatch(): void {
    if (this.watch) return;
    this.seenGeneration = this.d.access.generation();
    this.watch = setInterval(() => this.checkSettings(), SETTINGS_WATCH_MS);
    this.watch.unref();
  }

  private stopWatch(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  private checkSettings(): void {
    try {
      const generation = this.d.access.generation();
      if (generation === this.seenGeneration) return;
      this.seenGeneration = generation;
      this.d.onExternalChange();
      this.d.door.rejudgeCamera();
      this.d.screen.republish();
    } catch (err) {
      // The database closed under a last tick at shutdown: nothing left to watch.
      console.error('[door terminal] settings check failed:', err);
      this.stopWatch();
    }
  }
}
