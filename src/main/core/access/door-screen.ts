import type { DoorScreenState, TerminalDisplay } from '../../../shared/door-contract';
import type { DoorStatus } from '../door/door-actuator';
import { afterDoor, afterFrame, afterHold, IDLE, type HeldBanner } from './door-banner';
import type { DoorDecision } from './door-decision.types';
import type { LockoutState } from './failure-lockout';

export type DoorScreenListener = (state: DoorScreenState) => void;

export interface DoorScreenDeps {
  now: () => Date;
  door: () => DoorStatus;
  display: () => TerminalDisplay;
  /** The flood guard's lock, shown even when the banner is about something else. */
  terminalLock: () => LockoutState | null;
  /** How long a refusal stays up after the last frame that showed it. */
  holdMs?: number;
}

/** Long enough to read a two-line refusal; a grant stays as long as the door is open. */
export const DEFAULT_HOLD_MS = 2_000;
/** A face frame this recent means someone is still at the door (the page sends ~3-15 a second). */
const FACE_IN_VIEW_MS = 1_500;

type CameraView = DoorScreenState['camera'];

/**
 * The terminal's screen, kept in main: the one source of truth for the banner, the lock and
 * the camera (door-banner.ts has the rules). Every change is pushed to the subscribers (the
 * hosts forward it to the page) as one snapshot with a rising `seq`, so the page can never
 * show a banner from one moment and a lock state from another.
 */
export class DoorScreen {
  private held: HeldBanner = IDLE;
  private camera: CameraView = { label: null, trusted: false, reason: 'no camera reported yet' };
  private lockout: LockoutState | null = null;
  private lastFaceMs = 0;
  /** A grant whose unlock is on its way: shown together with the lock's answer, never before. */
  private pendingGrant: DoorDecision | null = null;
  private seq = 0;
  private state: DoorScreenState;
  private readonly listeners = new Set<DoorScreenListener>();
  private holdTimer: NodeJS.Timeout | null = null;

  constructor(private readonly d: DoorScreenDeps) {
    // No lockout yet: the decision engine that holds it may not exist while this is built.
    this.state = { ...this.snapshot(null), lockout: null };
  }

  current(): DoorScreenState {
    return this.state;
  }

  /** Calls `listener` with the current state now and with every later one; returns the unsubscribe. */
  subscribe(listener: DoorScreenListener): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** One frame decided (after its audit row and any unlock): the banner follows it. */
  frame(decision: DoorDecision, faces: number): DoorScreenState {
    const nowMs = this.d.now().getTime();
    if (faces > 0) this.lastFaceMs = nowMs;
    if (decision.decision === 'locked_out') this.lockout = decision.lockout;
    else if (decision.decision !== null && decision.decision !== 'no_face') this.lockout = null;
    this.held = afterFrame(this.held, decision, this.d.door(), nowMs, this.holdMs());
    return this.publish();
  }

  /**
   * A grant was audited and its unlock is about to be sent. Nothing is shown yet: the banner
   * changes in the same snapshot as the lock's answer (open, or a fault), so the page never
   * shows the grant with the door still locked, nor the open door under the previous banner.
   */
  grantPending(decision: DoorDecision): void {
    this.pendingGrant = decision;
  }

  /** The lock changed (unlocked, re-locked, fault). */
  doorChanged(status: DoorStatus): void {
    const nowMs = this.d.now().getTime();
    const grant = this.pendingGrant;
    if (grant && status.decisionRef === String(grant.auditRef)) {
      this.pendingGrant = null;
      this.held = afterFrame(this.held, grant, status, nowMs, this.holdMs());
    }
    this.held = afterDoor(this.held, status, nowMs - this.lastFaceMs < FACE_IN_VIEW_MS);
    this.publish();
  }

  cameraChanged(camera: CameraView): void {
    this.camera = { ...camera };
    this.publish();
  }

  /** Settings changed (display cues, a lock lifted by an admin): publish what they mean now. */
  refresh(): DoorScreenState {
    this.lockout = null;
    this.held = afterHold(this.held, this.d.door(), Number.POSITIVE_INFINITY);
    return this.publish();
  }

  /**
   * A person was erased: a banner naming them goes at once (the lock part of the snapshot
   * still says whether the door is open), so no screen shows an erased name afterwards.
   */
  forget(personId: string): DoorScreenState {
    if (this.held.banner.person?.id === personId) this.held = IDLE;
    if (this.pendingGrant?.person?.id === personId) this.pendingGrant = null;
    return this.publish();
  }

  /** Publishes the current state again if settings it shows changed (display cues, camera). */
  republish(): DoorScreenState {
    return this.publish();
  }

  dispose(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.listeners.clear();
  }

  private holdMs(): number {
    return this.d.holdMs ?? DEFAULT_HOLD_MS;
  }

  /** Publishes when anything a person could see changed; returns the current snapshot. */
  private publish(): DoorScreenState {
    const next = this.snapshot();
    this.scheduleHoldEnd();
    if (sameContent(next, this.state)) return this.state;
    this.seq += 1;
    this.state = { ...next, seq: this.seq };
    for (const listener of this.listeners) {
      try {
        listener(this.state);
      } catch (err) {
        console.error('[door screen] listener failed:', err);
      }
    }
    return this.state;
  }

  private snapshot(terminalLock = this.d.terminalLock()): DoorScreenState {
    const now = this.d.now();
    const lock = activeLock(this.lockout, now) ?? activeLock(terminalLock, now);
    return {
      seq: this.seq,
      at: now.toISOString(),
      banner: this.held.banner,
      door: { ...this.d.door() },
      camera: { ...this.camera },
      lockout: lock,
      display: this.d.display(),
    };
  }

  /** A held refusal ends on time even when no frame comes (the person walked away). */
  private scheduleHoldEnd(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (this.held.banner.kind !== 'decided') return;
    const wait = this.held.heldUntilMs - this.d.now().getTime();
    this.holdTimer = setTimeout(
      () => {
        this.held = afterHold(this.held, this.d.door(), this.d.now().getTime());
        this.publish();
      },
      Math.max(0, wait) + 5,
    );
    this.holdTimer.unref();
  }
}

function activeLock(lock: LockoutState | null, now: Date): DoorScreenState['lockout'] {
  if (!lock || lock.untilMs <= now.getTime()) return null;
  return {
    scope: lock.scope,
    until: new Date(lock.untilMs).toISOString(),
    remainingMs: lock.untilMs - now.getTime(),
  };
}

/** Equal for a person looking at the screen: the time stamps and the running countdown aside. */
function sameContent(a: DoorScreenState, b: DoorScreenState): boolean {
  const strip = (s: DoorScreenState) => ({
    ...s,
    seq: 0,
    at: '',
    lockout: s.lockout && { ...s.lockout, remainingMs: 0 },
  });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
