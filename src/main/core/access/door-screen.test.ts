import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionReason } from '../../../shared/domain';
import type { DoorScreenState } from '../../../shared/door-contract';
import type { DoorStatus } from '../door/door-actuator';
import type { DoorDecision } from './door-decision.types';
import { pending } from './door-decision-parts';
import { DoorScreen } from './door-screen';

const ada = { id: 'ada-id', name: 'Ada' };
const LOCKED: DoorStatus = {
  state: 'locked',
  controller: 'simulated',
  unlockedUntil: null,
  lastError: null,
  decisionRef: null,
};

function final(
  decision: DecisionReason,
  trackId: number,
  auditRef: number | null,
  newlyFinal = true,
): DoorDecision {
  return {
    ...pending('decided', null, null),
    decision,
    person: decision === 'granted' ? ada : null,
    trackId,
    auditRef,
    newlyFinal,
  };
}

function checking(trackId: number): DoorDecision {
  return { ...pending('looking', null, null), trackId };
}

const noFace: DoorDecision = { ...pending('idle', null, null), decision: 'no_face' };

/** A screen on a hand-driven clock and lock, recording every snapshot it pushed. */
function setup() {
  let nowMs = Date.parse('2026-12-07T10:00:00Z');
  let door: DoorStatus = { ...LOCKED };
  const screen = new DoorScreen({
    now: () => new Date(nowMs),
    door: () => door,
    display: () => ({ sound: false, icons: true }),
    terminalLock: () => null,
  });
  const pushed: DoorScreenState[] = [];
  screen.subscribe((s) => pushed.push(s));
  const setDoor = (next: Partial<DoorStatus>): void => {
    door = { ...door, ...next };
    screen.doorChanged(door);
  };
  return { screen, pushed, setDoor, advance: (ms: number) => (nowMs += ms) };
}

/** Never "Access granted" unless the lock is open for that grant, in any pushed snapshot. */
function expectConsistent(states: readonly DoorScreenState[]): void {
  for (const s of states) {
    const granted = s.banner.kind === 'decided' && s.banner.decision === 'granted';
    if (granted && s.door.state !== 'fault') {
      expect(s.door.state).toBe('unlocked');
      expect(s.door.decisionRef).toBe(String(s.banner.auditRef));
    }
    if (s.door.state === 'unlocked') {
      expect(s.banner).toMatchObject({ kind: 'decided', decision: 'granted' });
    }
  }
}

describe('door screen (one source of truth for banner and lock)', () => {
  let screens: DoorScreen[] = [];
  afterEach(() => {
    screens.forEach((s) => s.dispose());
    screens = [];
  });

  it('an enrolled face replacing a refused one: the grant shows with the open door, at once', () => {
    const { screen, pushed, setDoor, advance } = setup();
    screens.push(screen);
    screen.frame(final('unknown_face', 1, 10), 1);
    expect(pushed.at(-1)?.banner).toMatchObject({ kind: 'decided', decision: 'unknown_face' });
    // Within the refusal's hold, another face (track 2) steps into the same spot.
    advance(300);
    screen.frame(checking(2), 1);
    expect(pushed.at(-1)?.banner.kind).toBe('checking');
    // Its grant: audited as row 11, the unlock is sent, the lock answers.
    advance(300);
    const grant = final('granted', 2, 11);
    screen.grantPending(grant);
    setDoor({ state: 'unlocked', unlockedUntil: 'soon', decisionRef: '11' });
    expect(pushed.at(-1)).toMatchObject({
      banner: { kind: 'decided', decision: 'granted', person: ada, auditRef: 11 },
      door: { state: 'unlocked', decisionRef: '11' },
    });
    screen.frame(grant, 1);
    // Re-locked while Ada is still in view: the banner says so in the same snapshot.
    advance(3_000);
    screen.frame({ ...grant, newlyFinal: false }, 1);
    setDoor({ state: 'locked', unlockedUntil: null });
    expect(pushed.at(-1)).toMatchObject({
      banner: { kind: 'relocked' },
      door: { state: 'locked' },
    });
    screen.frame({ ...grant, newlyFinal: false }, 1);
    expect(pushed.at(-1)?.banner.kind).toBe('relocked');
    screen.frame(noFace, 0);
    expect(pushed.at(-1)?.banner.kind).toBe('idle');
    expectConsistent(pushed);
    // Every snapshot is newer than the one before.
    expect(pushed.map((s) => s.seq)).toEqual([...pushed.map((s) => s.seq)].sort((a, b) => a - b));
  });

  it('the name of an erased person leaves the screen at once; the lock still shows open', () => {
    const { screen, pushed, setDoor } = setup();
    screens.push(screen);
    const grant = final('granted', 1, 12);
    screen.grantPending(grant);
    setDoor({ state: 'unlocked', unlockedUntil: 'soon', decisionRef: '12' });
    expect(pushed.at(-1)?.banner.person).toEqual(ada);
    screen.forget('someone-else');
    expect(pushed.at(-1)?.banner.person).toEqual(ada);
    screen.forget(ada.id);
    expect(pushed.at(-1)).toMatchObject({ banner: { kind: 'idle', person: null } });
    expect(pushed.at(-1)?.door.state).toBe('unlocked');
  });

  it('a refusal is held for the same face, then ends on its own when nobody is there', async () => {
    const screen = new DoorScreen({
      now: () => new Date(),
      door: () => LOCKED,
      display: () => ({ sound: false, icons: true }),
      terminalLock: () => null,
      holdMs: 40,
    });
    screens.push(screen);
    const pushed: DoorScreenState[] = [];
    screen.subscribe((s) => pushed.push(s));
    screen.frame(final('spoof_suspected', 1, 5), 1);
    screen.frame(noFace, 0);
    screen.frame(checking(1), 1);
    expect(pushed.at(-1)?.banner).toMatchObject({ kind: 'decided', decision: 'spoof_suspected' });
    // No frame comes any more: the hold's own timer ends it.
    await expect.poll(() => pushed.at(-1)?.banner.kind, { timeout: 2_000 }).toBe('idle');
  });

  it('a failed unlock shows the grant with the fault, never an open door', () => {
    const { screen, pushed, setDoor } = setup();
    screens.push(screen);
    screen.grantPending(final('granted', 3, 7));
    setDoor({ state: 'fault', lastError: 'relay did not answer', decisionRef: '7' });
    expect(pushed.at(-1)).toMatchObject({
      banner: { kind: 'decided', decision: 'granted' },
      door: { state: 'fault' },
    });
    expectConsistent(pushed);
  });

  it('publishes only what a person could see change', () => {
    const { screen, pushed } = setup();
    screens.push(screen);
    const before = pushed.length;
    screen.frame(checking(1), 1);
    screen.frame(checking(1), 1);
    screen.frame(checking(1), 1);
    expect(pushed.length).toBe(before + 1);
  });
});
