import { dot } from '../vision/embedding-math';

/**
 * Locks out a face after repeated refusals (photo after photo, threshold probing) while others keep
 * using the door; a matching embedding counts as the same face. A terminal-wide lock remains only
 * as a flood guard a single stranger cannot reach.
 */
export interface LockoutLimits {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  floodMaxFailures: number;
}

/** The face a refusal was about: its track, and its embedding when the station computed one. */
export interface FailingFace {
  trackId: number | null;
  embedding: Float32Array | null;
}

export interface LockoutState {
  /** `face`: this face only; `terminal`: the flood guard, everyone waits. */
  scope: 'face' | 'terminal';
  untilMs: number;
}

interface FaceRecord {
  tracks: Set<number>;
  embedding: Float32Array | null;
  failures: number[];
  lockedUntil: number;
}

/** Faces remembered at most (oldest forgotten first): bounds memory under a flood. */
const MAX_FACES = 200;

export class FailureLockout {
  private faces: FaceRecord[] = [];
  private all: number[] = [];
  private floodUntil = 0;

  constructor(
    private readonly limits: () => LockoutLimits,
    /** Lowest cosine similarity of two L2-normalised embeddings of the same face. */
    private readonly sameFaceMin: () => number,
  ) {}

  /** The flood guard's lock, while it holds. */
  terminalLock(nowMs: number): LockoutState | null {
    return nowMs < this.floodUntil ? { scope: 'terminal', untilMs: this.floodUntil } : null;
  }

  /** This face's own lock, while it holds. */
  faceLock(nowMs: number, face: FailingFace): LockoutState | null {
    const record = this.find(face);
    if (record && face.trackId !== null) record.tracks.add(face.trackId);
    return record && nowMs < record.lockedUntil
      ? { scope: 'face', untilMs: record.lockedUntil }
      : null;
  }

  /** Records one refusal of `face`; returns the lock it tipped into, if any. */
  recordFailure(nowMs: number, face: FailingFace): LockoutState | null {
    const { maxFailures, windowMs, lockMs, floodMaxFailures } = this.limits();
    this.prune(nowMs, windowMs);
    this.all.push(nowMs);
    if (this.all.length >= floodMaxFailures) {
      this.all = [];
      this.floodUntil = nowMs + lockMs;
    }
    const record = this.find(face) ?? this.add(face);
    if (face.trackId !== null) record.tracks.add(face.trackId);
    if (face.embedding) record.embedding = face.embedding;
    record.failures.push(nowMs);
    if (record.failures.length >= maxFailures) {
      record.failures = [];
      record.lockedUntil = nowMs + lockMs;
    }
    return this.terminalLock(nowMs) ?? this.faceLock(nowMs, face);
  }

  /** A grant for this face: its earlier refusals (a bad angle, a blink missed) are forgiven. */
  forgive(face: FailingFace): void {
    const record = this.find(face);
    if (record) this.faces = this.faces.filter((r) => r !== record);
  }

  /** Admin action: every lock and count cleared; says what there was (for the audit row). */
  reset(nowMs: number): { lockedFaces: number; terminalLocked: boolean } {
    const cleared = {
      lockedFaces: this.faces.filter((r) => nowMs < r.lockedUntil).length,
      terminalLocked: nowMs < this.floodUntil,
    };
    this.faces = [];
    this.all = [];
    this.floodUntil = 0;
    return cleared;
  }

  private find(face: FailingFace): FaceRecord | undefined {
    const byTrack =
      face.trackId === null ? undefined : this.faces.find((r) => r.tracks.has(face.trackId!));
    if (byTrack || !face.embedding) return byTrack;
    const min = this.sameFaceMin();
    const e = face.embedding;
    return this.faces.find(
      (r) => r.embedding !== null && r.embedding.length === e.length && dot(r.embedding, e) >= min,
    );
  }

  private add(face: FailingFace): FaceRecord {
    const record: FaceRecord = {
      tracks: new Set(),
      embedding: face.embedding,
      failures: [],
      lockedUntil: 0,
    };
    this.faces.push(record);
    if (this.faces.length > MAX_FACES) this.faces.shift();
    return record;
  }

  /** Forgets failures older than the window, and faces with nothing left to remember. */
  private prune(nowMs: number, windowMs: number): void {
    this.all = this.all.filter((t) => nowMs - t < windowMs);
    for (const r of this.faces) r.failures = r.failures.filter((t) => nowMs - t < windowMs);
    this.faces = this.faces.filter((r) => r.failures.length > 0 || nowMs < r.lockedUntil);
  }
}
