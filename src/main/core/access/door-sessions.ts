import type { FrameResult } from '../../../shared/contract';
import type { DoorStatusView, PassiveSummary } from '../../../shared/door-contract';
import type { AuditRecorder } from '../audit/audit-recorder';
import { randomChallengeChooser, type ChallengeChooser } from '../challenge/challenge-chooser';
import { DoorActuator } from '../door/door-actuator';
import { createDoorController } from '../door/door-config';
import { SimulatedRelay } from '../door/simulated-relay';
import { DoorLivenessMonitor } from '../liveness/door-liveness-monitor';
import type { LivenessSettings } from '../liveness/liveness-settings';
import type { PassiveLivenessModel } from '../liveness/passive-scorer';
import type { LivenessFace } from '../liveness/face-square';
import type { PeopleStore } from '../ports/people-store';
import type { RecognitionService } from '../recognition/recognition.service';
import type { SettingsService } from '../settings/settings.service';
import type { FaceAnalyzer } from '../vision/face-analyzer';
import { largestFace } from '../vision/face-choice';
import type { RgbImage } from '../vision/vision.types';
import type { AccessSettings } from './access-settings.service';
import { DoorFrameService, type AuditedDecision } from './door-frame.service';
import type { DoorScreen } from './door-screen';

export interface DoorSessionsDeps {
  analyzer: FaceAnalyzer;
  /** Passive liveness models; null = unavailable, so a policy requiring liveness never opens. */
  passive: PassiveLivenessModel | null;
  recognition: RecognitionService;
  audit: AuditRecorder;
  settings: SettingsService;
  access: AccessSettings;
  people: Pick<PeopleStore, 'accessProfile'>;
  now: () => Date;
  /** Absent: the CSPRNG chooser (only a test harness passes one; see StationParts). */
  challengeChooser?: ChallengeChooser;
  /** Names this station to a webhook lock; its secret is read only when a webhook is used. */
  stationId: string;
  webhookSecret: () => Buffer;
  /** Told every change of the terminal's lock (the screen's status bar follows it). */
  onLockChange: (status: DoorStatusView) => void;
}

/** A replayed recording's door session (see videoSession). */
export interface VideoDoorSession {
  process: (frameId: number, img: RgbImage, capturedAtMs: number) => Promise<FrameResult>;
  unlocks: () => number;
  /** Every audited decision so far, in order, each saying whether it opened the door. */
  decisions: () => AuditedDecision[];
}

/** What `station pad-eval` judges presentations with (see livenessJudge). */
export interface LivenessJudge {
  largestFace: (frame: RgbImage) => Promise<LivenessFace | null>;
  passive: PassiveLivenessModel | null;
  settings: LivenessSettings;
}

/**
 * The door's sessions over one set of rules: the terminal's (its real lock, rebuilt when the
 * lock configuration changes) and replayed recordings (a simulated relay each).
 */
export class DoorSessions {
  private terminalLock: DoorActuator;
  /** The lock configuration the actuator was built from (rebuilt when another process changes it). */
  private lockConfig: string;
  private readonly replayLocks = new Set<DoorActuator>();

  constructor(private readonly d: DoorSessionsDeps) {
    this.terminalLock = this.makeTerminalLock();
    this.lockConfig = JSON.stringify(d.access.door());
  }

  /**
   * The terminal's lock actuator, rebuilt when the lock configuration changed in another
   * process (`station door set` while the station runs): the next command uses the new lock.
   */
  lock(): DoorActuator {
    if (JSON.stringify(this.d.access.door()) !== this.lockConfig) this.replaceLock();
    return this.terminalLock;
  }

  /** After this station changed the lock configuration: the next command uses the new one. */
  replaceLock(): void {
    this.terminalLock.dispose();
    this.terminalLock = this.makeTerminalLock();
    this.lockConfig = JSON.stringify(this.d.access.door());
  }

  status(): DoorStatusView {
    return this.lock().current();
  }

  /** The terminal's door: the station's own camera, screen and lock. */
  terminal(screen: DoorScreen, onGrantedLive: (c: string, p: PassiveSummary) => void) {
    return this.frameService(
      'terminal',
      () => this.lock(),
      () => this.doorId(),
      {
        screen,
        onGrantedLive,
      },
    );
  }

  /**
   * A door session over a recorded video (`station access VIDEO`): the same tracking, liveness
   * and rules as the terminal, audited with the file as source, but driving a simulated relay:
   * replaying a recording must never open the real lock.
   */
  videoSession(fileLabel: string): VideoDoorSession {
    const relay = new SimulatedRelay();
    // A replay happened at no door: its rows carry no door id (see DoorFrameDeps.doorId).
    const actuator = new DoorActuator({
      controller: relay,
      audit: this.d.audit,
      now: this.d.now,
      doorId: () => null,
    });
    // Disposed with the station: its re-lock timer must not outlive the database.
    this.replayLocks.add(actuator);
    const decisions: AuditedDecision[] = [];
    // The door's clock follows the recording (decoding is faster or slower than real time),
    // so a decision's 10 s, the lockout window and a challenge's limit mean recording time.
    const startMs = this.d.now().getTime();
    let videoMs = 0;
    const door = this.frameService(
      `video:${fileLabel}`,
      () => actuator,
      () => null,
      {
        now: () => new Date(startMs + videoMs),
        onDecision: (e) => decisions.push(e),
      },
    );
    door.trustSource();
    return {
      process: async (frameId, img, capturedAtMs) => {
        videoMs = capturedAtMs;
        const faces = await this.d.analyzer.analyzeImage(img, { mode: 'fast' });
        return door.processAnalysed(frameId, img, faces, capturedAtMs);
      },
      unlocks: () => relay.unlockCount,
      decisions: () => [...decisions],
    };
  }

  /**
   * What `station pad-eval` judges presentations with: the door's own face finder, passive
   * models and the liveness settings in force (a calibrated camera keeps its calibration).
   */
  livenessJudge(): LivenessJudge {
    return {
      largestFace: async (frame) => largestFace(await this.d.analyzer.analyzeImage(frame)) ?? null,
      passive: this.d.passive,
      settings: this.d.access.liveness(),
    };
  }

  dispose(): void {
    this.terminalLock.dispose();
    for (const a of this.replayLocks) a.dispose();
  }

  private doorId(): string {
    return this.d.access.identity().id;
  }

  private frameService(
    source: string,
    door: () => DoorActuator,
    doorId: () => string | null,
    opts: {
      now?: () => Date;
      /** The terminal's screen; absent for a replayed recording, which has none. */
      screen?: DoorScreen;
      onGrantedLive?: (camera: string, passive: PassiveSummary) => void;
      /** Told every audited decision once (the `station access` report lists them). */
      onDecision?: (e: AuditedDecision) => void;
    },
  ): DoorFrameService {
    const { passive, access } = this.d;
    return new DoorFrameService({
      analyzer: this.d.analyzer,
      recognition: this.d.recognition,
      audit: this.d.audit,
      door,
      thresholds: () => this.d.settings.thresholds(),
      policy: () => access.policy(),
      liveness: passive ? new DoorLivenessMonitor(passive, () => access.liveness()) : null,
      now: opts.now ?? this.d.now,
      source,
      doorId,
      scheduleProfile: (personId) => this.d.people.accessProfile(personId),
      challenge: {
        settings: () => access.challenge(),
        chooser: this.d.challengeChooser ?? randomChallengeChooser,
        blinkClosedRatio: () => access.liveness().blinkClosedRatio,
      },
      screen: opts.screen ?? null,
      ...(opts.onGrantedLive ? { onGrantedLive: opts.onGrantedLive } : {}),
      ...(opts.onDecision ? { onDecision: opts.onDecision } : {}),
    });
  }

  private makeTerminalLock(): DoorActuator {
    const controller = createDoorController(this.d.access.door(), {
      stationId: this.d.stationId,
      webhookSecret: this.d.webhookSecret,
    });
    return new DoorActuator({
      controller,
      audit: this.d.audit,
      now: this.d.now,
      doorId: () => this.doorId(),
      onChange: this.d.onLockChange,
    });
  }
}
