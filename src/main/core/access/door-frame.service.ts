import type { DecisionReason, FaceDecision, PersonRef, Thresholds } from '../../../shared/domain';
import { escapeControlCharacters } from '../../../shared/plain-text';
import type { FrameResult, ParsedRequestOf } from '../../../shared/contract';
import type { CameraReport, PassiveSummary } from '../../../shared/door-contract';
import type { AuditRecorder } from '../audit/audit-recorder';
import type { DoorActuator } from '../door/door-actuator';
import type { RecognitionService } from '../recognition/recognition.service';
import { boxTuple, round4 } from '../recognition/recognition.service';
import type { FaceAnalyzer } from '../vision/face-analyzer';
import { poseSample } from '../challenge/pose-sample';
import type { FaceAnalysis, FaceBox, Point, RgbImage } from '../vision/vision.types';
import type { AccessPolicy } from './access-policy.schema';
import type { PersonScheduleProfile } from './access-schedule';
import { judgeCamera } from './camera-trust';
import type { DoorScreen } from './door-screen';
import type { LockoutState } from './failure-lockout';
import { DecisionDebouncer } from './decision-debouncer';
import { decideFace, DoorDecisionEngine, unanalysedVerdict } from './door-decision-engine';
import type { DoorDecision, FaceEvidence, FaceObservation } from './door-decision.types';
import { FaceTracker, type TrackBox } from './face-tracker';
import type { LivenessMonitor } from './liveness-monitor';
import type { ChallengeDeps, ChallengeOutcome } from './track-challenge';

type FrameRequest = ParsedRequestOf<'access:frame'>;
type FaceHint = FrameRequest['faces'][number];

export interface DoorFrameDeps {
  analyzer: FaceAnalyzer;
  recognition: RecognitionService;
  audit: AuditRecorder;
  /** A getter: an admin may switch the lock controller while the station runs. */
  door: () => DoorActuator;
  thresholds: () => Thresholds;
  policy: () => AccessPolicy;
  /** Null when the liveness models are unavailable: then a policy requiring liveness never opens. */
  liveness: LivenessMonitor | null;
  now: () => Date;
  /** Written into every audit row: 'terminal', or 'video:<file>' for `station access`. */
  source: string;
  /**
   * The door id written into every audit row (`details.door`, the reviewer's door filter), or
   * null for a replayed recording: it never happened at a door, so it is not one door's event.
   */
  doorId: () => string | null;
  /** Told every decision that was audited, once (the `station access` report lists them). */
  onDecision?: (e: AuditedDecision) => void;
  /** Settings and chooser of the active challenge (the composition root injects the chooser). */
  challenge: ChallengeDeps;
  /** A person's own door schedule and groups (people table), for the schedule rule. */
  scheduleProfile?: (personId: string) => PersonScheduleProfile | null;
  /** The terminal's screen (the one source of truth pushed to the page); null for a replay. */
  screen: DoorScreen | null;
  /**
   * Called for each grant with the camera's label and the passive evidence it rested on: the
   * station's per-camera liveness calibration keeps the score (never the image). Absent for
   * replayed recordings, which are no camera's evidence.
   */
  onGrantedLive?: (camera: string, passive: PassiveSummary) => void;
}

/** One audited door decision, as `station access` reports it. */
export interface AuditedDecision {
  frameId: number;
  decision: DecisionReason;
  person: PersonRef | null;
  similarity: number;
  liveness: DoorDecision['liveness'];
  /** The audit row that records it. */
  auditRow: number;
  /** This decision opened the door (the lock confirmed the unlock). */
  unlocked: boolean;
  /** A repeated grant of a person who never left (DoorDecision.regrant). */
  regrant: boolean;
}

/** How long the same frame-level outcome (several faces, locked out) stays one audit event. */
const AUDIT_COOLDOWN_MS = 5_000;

/**
 * The door terminal's frame handler: tracks faces the page located, embeds, searches, measures
 * liveness, and lets the decision engine decide once per tracked face. Every final decision and
 * door command is audited.
 */
export class DoorFrameService {
  private readonly debouncer = new DecisionDebouncer(AUDIT_COOLDOWN_MS);
  private readonly tracker = new FaceTracker();
  private readonly engine: DoorDecisionEngine;
  /** Deny by default: until the terminal reported a trusted camera, nothing opens. */
  private camera: CameraReport = { trusted: false, reason: 'no camera reported yet' };
  /** The label the terminal reported (null: none yet, or a source that is no camera). */
  private cameraLabel: string | null = null;

  constructor(private readonly d: DoorFrameDeps) {
    // Two embeddings of one face: at least the 1:1 verify threshold (refusals count per face).
    this.engine = new DoorDecisionEngine(
      d.policy,
      d.challenge,
      () => d.thresholds().verify,
      d.scheduleProfile,
    );
  }

  /** The terminal tells us which camera it opened; virtual cameras are refused (audited). */
  reportCamera(label: string): CameraReport {
    // The terminal reports its camera whenever it (re)starts the stream: start afresh, so no
    // face, window or decision of the previous stream (whose clock may restart) carries over.
    this.tracker.reset();
    this.engine.resetTracks(this.d.now());
    this.auditAbandoned();
    this.d.liveness?.retain(new Set());
    this.cameraLabel = label.slice(0, 200);
    this.camera = judgeCamera(label, this.d.policy().allowedCameraLabels);
    this.d.screen?.cameraChanged(this.cameraView());
    if (!this.camera.trusted)
      this.d.audit.record({
        kind: 'decision',
        decision: 'device_untrusted',
        personId: null,
        similarity: null,
        details: {
          ...this.doorFact(),
          source: this.d.source,
          // A device names itself: stored with its control characters made visible.
          camera: escapeControlCharacters(label).slice(0, 200),
          reason: this.camera.reason,
        },
      });
    return { ...this.camera };
  }

  /** For sources that are not a live camera the terminal opened (the `station access` CLI). */
  trustSource(): void {
    this.camera = { trusted: true, reason: null };
  }

  /** The camera the terminal reported, and the station's verdict on it now. */
  cameraView(): { label: string | null; trusted: boolean; reason: string | null } {
    return { label: this.cameraLabel, ...this.camera };
  }

  /**
   * Judges the reported camera again under the current settings: an admin may have allowed it
   * (here, from the CLI or from another process) since it was reported. Cheap (a few regular
   * expressions), so every frame does it; the screen hears of a change.
   */
  rejudgeCamera(): void {
    if (this.cameraLabel === null) return;
    const next = judgeCamera(this.cameraLabel, this.d.policy().allowedCameraLabels);
    if (next.trusted === this.camera.trusted && next.reason === this.camera.reason) return;
    this.camera = next;
    this.d.screen?.cameraChanged(this.cameraView());
  }

  /** Admin action: lifts every lockout (what was lifted goes into the caller's audit row). */
  resetLockout(): { lockedFaces: number; terminalLocked: boolean } {
    const lifted = this.engine.resetLockout(this.d.now());
    this.d.screen?.refresh();
    return lifted;
  }

  /** The flood guard's lock, for the screen. */
  terminalLock(): LockoutState | null {
    return this.engine.terminalLock(this.d.now());
  }

  /** The camera label the terminal reported last (null before it did). */
  reportedCamera(): string | null {
    return this.cameraLabel;
  }

  /** A frame from the terminal: faces located by MediaPipe, refined here. */
  async process(req: FrameRequest): Promise<FrameResult> {
    const img = req.region ? regionToRgb(req.region) : null;
    const region = req.region;
    const stamp = req.capturedAtMs ?? this.d.now().getTime();
    return this.decide(
      req.frameId,
      img,
      req.faces.map((f) => f.box),
      (i) => {
        const hint = req.faces[i];
        return img && region && hint ? this.analyze(img, region, hint) : Promise.resolve(null);
      },
      stamp,
      region?.scale ?? 1,
    );
  }

  /** A whole frame already analysed by the station's own detector (`station access VIDEO`). */
  processAnalysed(
    frameId: number,
    img: RgbImage,
    faces: readonly FaceAnalysis[],
    capturedAtMs: number,
  ): Promise<FrameResult> {
    return this.decide(
      frameId,
      img,
      faces.map((f) => f.box),
      (i) => Promise.resolve(faces[i] ?? null),
      capturedAtMs,
      1,
    );
  }

  private async decide(
    frameId: number,
    img: RgbImage | null,
    boxes: readonly TrackBox[],
    /** Analysis of face i, asked for only when the decision still needs it (it is costly). */
    analysis: (i: number) => Promise<FaceAnalysis | null>,
    stamp: number,
    /** Analysed pixels per camera pixel (a shrunk door region): sizes are judged in camera pixels. */
    scale: number,
  ): Promise<FrameResult> {
    this.rejudgeCamera();
    const now = this.d.now();
    const t = this.d.thresholds();
    const trackIds = this.tracker.update(boxes, stamp);
    const liveIds = this.tracker.liveIds();
    // A decided face's liveness window is dropped: when its decision expires (a person who
    // stays is decided again) liveness starts afresh, never from samples 10 s old.
    this.d.liveness?.retain(
      new Set([...liveIds].filter((id) => this.engine.finalOf(id, stamp) === null)),
    );
    // Liveness costs a network pass and flow per face: only for the face the engine judges.
    const judged = this.engine.judgedFace(boxes);
    // Nothing to learn from faces when the engine's frame-level rules decide anyway: skipping
    // them keeps the station idle while a crowd or a refused camera stands at the door.
    const frameDecided = this.engine.frameRule(boxes.length, now, this.camera.trusted) !== null;

    const observations: FaceObservation[] = [];
    const faces: FaceDecision[] = [];
    for (const [i, box] of boxes.entries()) {
      const trackId = trackIds[i] ?? 0;
      // A decided face is still identified on every frame (the engine re-decides if someone
      // else stepped into the same spot), but its liveness window is not needed any more.
      const decided = this.engine.finalOf(trackId, stamp) !== null;
      const face = frameDecided ? null : await analysis(i);
      const verdict = face
        ? decideFace(inCameraPixels(this.d.recognition.evidence(face), scale), t)
        : unanalysedVerdict(frameDecided);
      const liveness =
        face &&
        img &&
        i === judged &&
        !decided &&
        this.d.liveness &&
        verdict.decision !== 'face_too_small'
          ? await this.d.liveness.observe(trackId, img, face, stamp)
          : null;
      // The station's own measurement of head pose and eyes, for the active challenge.
      const pose = face && i === judged ? poseSample(face.landmarks68) : null;
      observations.push({ trackId, box, verdict, liveness, pose, embedding: face?.embedding });
      faces.push({
        box: boxTuple(box),
        person: null,
        similarity: round4(verdict.similarity),
        decision: verdict.decision,
      });
    }
    const decision = this.engine.decide(observations, {
      now,
      atMs: stamp,
      cameraTrusted: this.camera.trusted,
      liveTrackIds: liveIds,
    });
    this.auditAbandoned();
    await this.act(decision, frameId, faces.length, t);
    const screen = this.d.screen?.frame(decision, boxes.length) ?? null;
    const shownFaces = faces.map((f, i) =>
      // Only the decided face carries a name, and only when it was let in.
      trackIds[i] === decision.trackId && decision.person ? { ...f, person: decision.person } : f,
    );
    return {
      frameId,
      faces: shownFaces,
      phase: decision.phase,
      decision: decision.decision,
      person: decision.person,
      liveness: decision.liveness,
      challenge: decision.challenge,
      door: this.d.door().current(),
      screen,
    };
  }

  /** Challenges whose face left before answering: one refusal row each (never a grant). */
  private auditAbandoned(): void {
    for (const d of this.engine.takeAbandoned())
      this.d.audit.record({
        kind: 'decision',
        decision: d.decision ?? 'challenge_timeout',
        personId: null,
        similarity: null,
        details: {
          ...this.doorFact(),
          source: this.d.source,
          track: d.trackId,
          ...challengeFacts(d.challengeOutcome),
        },
      });
  }

  private async analyze(
    img: RgbImage,
    region: { x: number; y: number; scale?: number | undefined },
    hint: FaceHint,
  ): Promise<FaceAnalysis | null> {
    // Frame pixels -> pixels of the (possibly shrunk) region.
    const k = region.scale ?? 1;
    const box: FaceBox = {
      x1: (hint.box.x1 - region.x) * k,
      y1: (hint.box.y1 - region.y) * k,
      x2: (hint.box.x2 - region.x) * k,
      y2: (hint.box.y2 - region.y) * k,
      score: hint.box.score,
    };
    if (box.x2 <= 0 || box.y2 <= 0 || box.x1 >= img.width || box.y1 >= img.height) return null;
    const keypoints: Point[] = hint.keypoints.map(([x, y]) => [
      (x - region.x) * k,
      (y - region.y) * k,
    ]);
    return this.d.analyzer.analyzeRegion(img, { box, keypoints });
  }

  private doorFact(): { door?: string } {
    const door = this.d.doorId();
    return door === null ? {} : { door };
  }

  /** Audits the decision and, for a grant, opens the door (awaited: the result shows the lock). */
  private async act(
    d: DoorDecision,
    frameId: number,
    faceCount: number,
    t: Thresholds,
  ): Promise<void> {
    if (d.decision === null || d.decision === 'no_face') return;
    const advisory = d.decision === 'face_too_small' || d.decision === 'poor_quality';
    if (advisory) return;
    if (!d.newlyFinal) {
      // Frame-level outcomes (several faces, lockout, untrusted camera) have no track: debounce.
      if (d.trackId !== null) return;
      if (!this.debouncer.shouldRecord(d.decision, this.d.now().getTime())) return;
    }
    const row = this.recordDecision(d, frameId, faceCount, t);
    d.auditRef = row;
    if (d.trackId !== null && d.newlyFinal) this.engine.noteAudit(d.trackId, row);
    if (d.decision === 'granted' && d.newlyFinal && d.liveness && this.cameraLabel !== null)
      this.d.onGrantedLive?.(escapeControlCharacters(this.cameraLabel), d.liveness.passive);
    let unlocked = false;
    if (d.decision === 'granted' && d.newlyFinal) {
      // The screen shows the grant together with the lock's answer (DoorScreen.grantPending).
      this.d.screen?.grantPending(d);
      const result = await this.d.door().unlock({
        durationMs: this.d.policy().unlockMs,
        decisionRef: String(row),
        personId: d.person?.id ?? null,
      });
      unlocked = result.ok;
    }
    this.d.onDecision?.({
      frameId,
      decision: d.decision,
      person: d.person,
      similarity: d.similarity,
      liveness: d.liveness,
      auditRow: row,
      unlocked,
      regrant: d.regrant,
    });
  }

  private recordDecision(
    d: DoorDecision,
    frameId: number,
    faceCount: number,
    t: Thresholds,
  ): number {
    return this.d.audit.record({
      kind: 'decision',
      decision: d.decision,
      personId: d.person?.id ?? null,
      // -1 is "nothing compared" (no face analysed, nobody enrolled), not a similarity.
      similarity: d.similarity > -1 ? d.similarity : null,
      details: {
        ...this.doorFact(),
        source: this.d.source,
        frameId,
        faces: faceCount,
        track: d.trackId,
        // Component scores for the reviewer's detail view: why this decision, in numbers.
        runnerUp: d.runnerUp === null ? null : round4(d.runnerUp),
        margin: d.runnerUp === null || d.runnerUp < -0.5 ? null : round4(d.similarity - d.runnerUp),
        // The number the identify threshold judged: the similarity less a crowded cohort.
        score: d.score === null ? null : round4(d.score),
        thresholds: { identify: t.identify, margin: t.margin },
        // Each liveness component, the passive bands and why: the reasons as one string, so
        // the detail view (one level of nesting, scalars only) shows them.
        liveness: d.liveness && { ...d.liveness, reasons: d.liveness.reasons.join(',') },
        ...challengeFacts(d.challengeOutcome),
        ...(d.lockout ? { lockout: d.lockout.scope } : {}),
        ...(d.regrant ? { regrant: true } : {}),
      },
    });
  }
}

/**
 * A challenge's outcome as flat facts of the audit row (the reviewer's detail view lists
 * scalar facts): what was asked, how it ended, how far the person got and how long it took.
 */
function challengeFacts(o: ChallengeOutcome | null): Record<string, string | number> {
  if (!o) return {};
  return {
    challengeActions: o.actions.join(','),
    challengeResult: o.result,
    challengeCompleted: o.completed,
    challengeMs: Math.round(o.elapsedMs),
    ...(o.seen ? { challengeSeen: o.seen } : {}),
  };
}

/**
 * The minimum face size (minInterEyePx) is a property of the camera image, not of how much
 * the terminal shrank the region it sent: measure it in camera pixels.
 */
function inCameraPixels(e: FaceEvidence, scale: number): FaceEvidence {
  return scale === 1 ? e : { ...e, interEyePx: e.interEyePx / scale };
}

/** The schema checked the byte count; the bytes are this request's own, so no copy. */
function regionToRgb(region: NonNullable<FrameRequest['region']>): RgbImage {
  return { width: region.width, height: region.height, data: region.rgb };
}
