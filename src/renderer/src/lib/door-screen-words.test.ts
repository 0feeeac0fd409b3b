import { describe, expect, it } from 'vitest';
import type { DoorBanner, DoorScreenState } from '../../../shared/door-contract';
import { screenDisplay } from './door-screen-words';

const BANNER: DoorBanner = {
  kind: 'idle',
  decision: null,
  person: null,
  challenge: null,
  auditRef: null,
  trackId: null,
};

function screen(banner: Partial<DoorBanner>, over: Partial<DoorScreenState> = {}): DoorScreenState {
  return {
    seq: 1,
    at: '2026-12-07T10:00:00.000Z',
    banner: { ...BANNER, ...banner },
    door: {
      state: 'locked',
      controller: 'simulated',
      unlockedUntil: null,
      lastError: null,
      decisionRef: null,
    },
    camera: { label: 'USB Camera', trusted: true, reason: null },
    lockout: null,
    display: { sound: false, icons: true },
    ...over,
  };
}

describe('screenDisplay', () => {
  it('tells "nobody there" from "checking you"', () => {
    expect(screenDisplay(screen({ kind: 'idle' }), false).text).toBe('No one in view');
    expect(screenDisplay(screen({ kind: 'checking', trackId: 1 }), true).text).toBe('Checking…');
    // The station hears only of frames with faces: the page's detector ends "Checking…".
    expect(screenDisplay(screen({ kind: 'checking', trackId: 1 }), false).text).toBe(
      'No one in view',
    );
  });

  it('gives a next step after a refusal, and the admin route for an untrusted camera', () => {
    const unknown = screenDisplay(screen({ kind: 'decided', decision: 'unknown_face' }), true);
    expect(unknown).toMatchObject({ text: 'Unknown person', tone: 'denied' });
    expect(unknown.next).toMatch(/try again|enrol/);
    const untrusted = screenDisplay(
      screen({ kind: 'idle' }, { camera: { label: 'OBS', trusted: false, reason: 'virtual' } }),
      false,
    );
    expect(untrusted.decision).toBe('device_untrusted');
    expect(untrusted.next).toMatch(/administrator can allow this camera/i);
  });

  it('a grant names the person; when the door re-locks the banner says so', () => {
    const granted = screen(
      { kind: 'decided', decision: 'granted', person: { id: 'p1', name: 'Ada' }, auditRef: 7 },
      { door: { ...screen({}).door, state: 'unlocked', decisionRef: '7' } },
    );
    expect(screenDisplay(granted, true)).toMatchObject({
      text: 'Access granted: Ada',
      decision: 'granted',
    });
    expect(screenDisplay(screen({ kind: 'relocked', trackId: 1 }), true).text).toBe(
      'Door locked again',
    );
  });
});
