export interface TrackBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface Track {
  id: number;
  box: TrackBox;
  lastSeenMs: number;
}

/** Intersection over union of two boxes; 0 for disjoint or degenerate boxes. */
export function iou(a: TrackBox, b: TrackBox): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/** Recent frame intervals the gap follows (the stream's cadence). */
const CADENCE_FRAMES = 6;
/** A face may go unseen this many of the stream's own frame intervals before it is forgotten. */
const GAP_INTERVALS = 2.5;

/**
 * Keeps one id per face across frames so evidence accumulates per person; greedy IoU suffices at a
 * door and a wrong association only restarts a window. An unseen face is kept longer when frames
 * arrive slowly, otherwise a busy station would start a new track every frame and never decide.
 */
export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  private intervals: number[] = [];
  private lastFrameMs: number | null = null;

  constructor(
    private readonly minIou = 0.3,
    private readonly maxGapMs = 1_000,
    private readonly maxAdaptiveGapMs = 4_000,
  ) {}

  /** How long a face may go unseen now: from the intervals BEFORE this frame. */
  private allowedGapMs(): number {
    const longest = Math.max(0, ...this.intervals);
    return Math.min(Math.max(this.maxGapMs, GAP_INTERVALS * longest), this.maxAdaptiveGapMs);
  }

  private noteFrame(nowMs: number): void {
    if (this.lastFrameMs !== null && nowMs > this.lastFrameMs) {
      this.intervals.push(Math.min(nowMs - this.lastFrameMs, this.maxAdaptiveGapMs));
      if (this.intervals.length > CADENCE_FRAMES) this.intervals.shift();
    }
    this.lastFrameMs = nowMs;
  }

  /** Track ids for `boxes`, in the same order; unmatched boxes start new tracks. */
  update(boxes: readonly TrackBox[], nowMs: number): number[] {
    // A clock that went backwards is a new stream (the terminal page restarted): nothing seen
    // before can be the same face, and evidence must not carry over.
    if (this.tracks.some((t) => t.lastSeenMs > nowMs)) this.reset();
    const gap = this.allowedGapMs();
    this.noteFrame(nowMs);
    this.tracks = this.tracks.filter((t) => nowMs - t.lastSeenMs <= gap);
    const pairs: { box: number; track: number; overlap: number }[] = [];
    boxes.forEach((b, bi) =>
      this.tracks.forEach((t, ti) => {
        const overlap = iou(b, t.box);
        if (overlap >= this.minIou) pairs.push({ box: bi, track: ti, overlap });
      }),
    );
    pairs.sort((a, b) => b.overlap - a.overlap);
    const ids = new Array<number>(boxes.length).fill(0);
    const usedTracks = new Set<number>();
    for (const p of pairs) {
      if (ids[p.box] !== 0 || usedTracks.has(p.track)) continue;
      const track = this.tracks[p.track];
      if (!track) continue;
      usedTracks.add(p.track);
      ids[p.box] = track.id;
    }
    boxes.forEach((box, i) => {
      if (ids[i] === 0) {
        const track: Track = { id: this.nextId++, box, lastSeenMs: nowMs };
        this.tracks.push(track);
        ids[i] = track.id;
      }
    });
    for (const t of this.tracks) {
      const i = ids.indexOf(t.id);
      const box = boxes[i];
      if (i >= 0 && box) {
        t.box = box;
        t.lastSeenMs = nowMs;
      }
    }
    return ids;
  }

  /** Forgets every face (a new camera stream starts). Ids are never reused. */
  reset(): void {
    this.tracks = [];
    this.intervals = [];
    this.lastFrameMs = null;
  }

  /** Ids still alive (seen within the gap), for dropping per-track state of gone faces. */
  liveIds(): Set<number> {
    return new Set(this.tracks.map((t) => t.id));
  }
}
