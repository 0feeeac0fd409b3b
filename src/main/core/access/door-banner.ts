import type { DoorBanner } from '../../../shared/door-contract';
import type { DoorStatus } from '../door/door-actuator';
import type { DoorDecision } from './door-decision.types';

/**
 * The terminal's status as a pure function of decisions and lock changes, so the screen never
 * contradicts the door: a new decision replaces what is shown, "Access granted" shows only while
 * the lock is open for that grant, and a refusal stays up `holdMs` so it can be read.
 */
export interface HeldBanner {
  banner: DoorBanner;
  /** Until when (station ms) a `decided` banner stays without new frames confirming it. */
  heldUntilMs: number;
}

export const IDLE: HeldBanner = {
  banner: {
    kind: 'idle',
    decision: null,
    person: null,
    challenge: null,
    auditRef: null,
    trackId: null,
  },
  heldUntilMs: 0,
};

/** True while the lock is open for the grant this banner shows. */
export function grantOpen(b: DoorBanner, door: DoorStatus): boolean {
  return (
    b.kind === 'decided' &&
    b.decision === 'granted' &&
    b.auditRef !== null &&
    door.state === 'unlocked' &&
    door.decisionRef === String(b.auditRef)
  );
}

export function afterFrame(
  prev: HeldBanner,
  d: DoorDecision,
  door: DoorStatus,
  nowMs: number,
  holdMs: number,
): HeldBanner {
  const final = d.decision !== null && d.phase === 'decided' && d.decision !== 'no_face';
  if (final && d.newlyFinal) return decided(d, nowMs + holdMs);
  if (final) return afterRepeat(prev, d, door, nowMs, holdMs);
  if (grantOpen(prev.banner, door)) return prev;
  const sameFace = d.trackId === null || d.trackId === prev.banner.trackId;
  if (prev.banner.kind === 'decided' && nowMs < prev.heldUntilMs && sameFace) return prev;
  if (d.decision === 'no_face') return IDLE;
  if (d.decision === 'face_too_small' || d.decision === 'poor_quality')
    return shown('advice', d, d.decision);
  return shown(pendingKind(d.phase), d, null);
}

/** A decision already taken (the track's sticky one, or a frame-level one seen again). */
function afterRepeat(
  prev: HeldBanner,
  d: DoorDecision,
  door: DoorStatus,
  nowMs: number,
  holdMs: number,
): HeldBanner {
  if (d.decision === 'granted') {
    const next = decided(d, nowMs + holdMs);
    // A grant whose unlock failed stays a grant: the screen says the door did not open.
    const failed = door.state === 'fault' && door.decisionRef === String(d.auditRef);
    return grantOpen(next.banner, door) || failed ? next : shown('relocked', d, null);
  }
  const p = prev.banner;
  if (p.kind === 'decided' && p.decision === d.decision && p.trackId === d.trackId)
    return { banner: { ...p, auditRef: p.auditRef ?? d.auditRef }, heldUntilMs: nowMs + holdMs };
  if (grantOpen(p, door)) return prev;
  return decided(d, nowMs + holdMs);
}

/** The lock changed: a grant's banner follows it (closed -> relocked or idle; fault stays). */
export function afterDoor(prev: HeldBanner, door: DoorStatus, faceInView: boolean): HeldBanner {
  const b = prev.banner;
  if (b.kind !== 'decided' || b.decision !== 'granted') return prev;
  if (door.state === 'fault' || grantOpen(b, door)) return prev;
  if (!faceInView) return IDLE;
  return { banner: { ...b, kind: 'relocked', decision: null, person: null }, heldUntilMs: 0 };
}

/** A held banner whose time ran out with no frame confirming it: nobody is there any more. */
export function afterHold(prev: HeldBanner, door: DoorStatus, nowMs: number): HeldBanner {
  if (prev.banner.kind !== 'decided' || nowMs < prev.heldUntilMs) return prev;
  return grantOpen(prev.banner, door) ? prev : IDLE;
}

function decided(d: DoorDecision, heldUntilMs: number): HeldBanner {
  return { banner: { ...shown('decided', d, d.decision).banner }, heldUntilMs };
}

function shown(
  kind: DoorBanner['kind'],
  d: DoorDecision,
  decision: DoorBanner['decision'],
): HeldBanner {
  return {
    banner: {
      kind,
      decision,
      person: kind === 'decided' ? d.person : null,
      challenge: kind === 'challenge' ? d.challenge : null,
      auditRef: kind === 'decided' ? d.auditRef : null,
      trackId: d.trackId,
    },
    heldUntilMs: 0,
  };
}

function pendingKind(phase: DoorDecision['phase']): DoorBanner['kind'] {
  switch (phase) {
    case 'hold_still':
      return 'hold_still';
    case 'blink_please':
      return 'blink';
    case 'challenge':
      return 'challenge';
    case 'idle':
      return 'idle';
    case 'looking':
    case 'decided':
      return 'checking';
  }
}
