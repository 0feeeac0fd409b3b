import type { LivenessMonitor } from '../access/liveness-monitor';
import type { LivenessReading } from '../access/door-decision.types';
import type { FaceAnalysis, RgbImage } from '../vision/vision.types';
import type { LivenessVerdict } from './liveness-fusion';
import type { LivenessSettings } from './liveness-settings';
import { LivenessTracker } from './liveness-tracker';
import type { PassiveLivenessModel } from './passive-scorer';

/**
 * The door's liveness: one LivenessTracker per tracked face (evidence never mixes two people),
 * dropped when the face leaves. Settings are read when a track starts, so an admin's change
 * applies to the next person rather than halfway through someone's window.
 */
export class DoorLivenessMonitor implements LivenessMonitor {
  private readonly trackers = new Map<number, LivenessTracker>();

  constructor(
    private readonly passive: PassiveLivenessModel,
    private readonly settings: () => LivenessSettings,
  ) {}

  async observe(
    trackId: number,
    frame: RgbImage,
    face: FaceAnalysis,
    timestampMs: number,
  ): Promise<LivenessReading> {
    let tracker = this.trackers.get(trackId);
    if (!tracker) {
      tracker = new LivenessTracker(this.passive, this.settings());
      this.trackers.set(trackId, tracker);
    }
    const v = await tracker.push(frame, face, timestampMs);
    return toReading(v, tracker.settings.windowFrames);
  }

  retain(liveTrackIds: ReadonlySet<number>): void {
    for (const id of this.trackers.keys()) if (!liveTrackIds.has(id)) this.trackers.delete(id);
  }
}

/**
 * A verdict is settled once the window is full: windowFrames frames spanning windowMs, i.e. no
 * longer "collecting" (or the stream was caught frozen earlier).
 */
export function toReading(v: LivenessVerdict, windowFrames: number): LivenessReading {
  // A full window still "confirming" a spoof is not settled: asking for a blink then would
  // only give the attacker time; the door waits for the confirmation instead.
  const settled =
    v.verdict === 'spoof' ||
    (v.frames >= windowFrames &&
      !v.reasons.includes('collecting') && // also covers the time span (windowMs)
      !v.reasons.includes('spoof_pending'));
  return {
    verdict: v.verdict,
    settled,
    score: Math.round(v.score * 1e4) / 1e4,
    components: {
      texture: round(v.components.texture),
      motion: round(v.components.motion),
      blink: round(v.components.blink),
    },
    passive: {
      band: v.passive.band,
      score: round(v.passive.score),
      spoofBelow: v.passive.thresholds.spoofBelow,
      clearLiveMin: v.passive.thresholds.clearLiveMin,
      origin: v.passive.thresholds.origin,
      textureNet: round(v.passive.components.textureNet),
    },
    reasons: [...v.reasons],
  };
}

function round(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null;
}
