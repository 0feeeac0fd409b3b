import { basename } from 'node:path';
import type { FrameResult } from '../../shared/contract';
import { openVideoFrames } from '../adapters/ffmpeg-video-frames';
import type { Station } from '../core/station.service';
import { EXIT, type Output } from './cli-output';
import { parseMaxSeconds } from './liveness-command';

export const ACCESS_USAGE = `  access VIDEO [--max-seconds S]       play a recording through the whole door decision (detect,
                                         identify, liveness, rules) with a simulated lock; prints
                                         each decision with its time and reason`;

interface DecisionEvent {
  /** Seconds from the start of the video. */
  t: number;
  frame: number;
  decision: NonNullable<FrameResult['decision']>;
  person: string | null;
  similarity: number | null;
  liveness: FrameResult['liveness'];
  door: FrameResult['door']['state'];
}

/**
 * `station access VIDEO [--json]`: how a site tests its own camera recordings. Frames are
 * decoded by ffmpeg as the camera delivered them, each with its own time in the recording
 * (never duplicated to a nominal rate) and upright by the rotation tag, so the decision window
 * behaves as at the door. Decisions are audited (source "video:<file>");
 * the lock is always simulated: replaying a recording never opens the real door.
 */
export async function accessCommand(
  station: Station,
  out: Output,
  opts: { video: string; maxSeconds?: string | undefined },
): Promise<number> {
  const maxSeconds = parseMaxSeconds(opts.maxSeconds);
  const { info, frames } = await openVideoFrames(opts.video, maxSeconds ? { maxSeconds } : {});
  const session = station.videoAccessSession(basename(opts.video));
  const events: DecisionEvent[] = [];
  let frameNo = 0;
  let last: string | null = null;
  for await (const img of frames) {
    const t = img.timestampMs / 1000;
    const r = await session.process(frameNo, img, img.timestampMs);
    // One line per change of outcome, not per frame (a person standing there is one event).
    const key = `${r.decision ?? ''}:${r.person?.id ?? ''}`;
    if (r.decision !== null && r.decision !== 'no_face' && key !== last)
      events.push({
        t: Math.round(t * 1000) / 1000,
        frame: frameNo,
        decision: r.decision,
        person: r.person?.name ?? null,
        similarity: r.faces.length ? Math.max(...r.faces.map((f) => f.similarity)) : null,
        liveness: r.liveness,
        door: r.door.state,
      });
    if (r.decision !== null) last = key;
    frameNo += 1;
  }
  const value = {
    video: {
      file: opts.video,
      width: info.width,
      height: info.height,
      fps: info.fps,
      rotation: info.rotation,
    },
    frames: frameNo,
    decisions: events,
    unlocks: session.unlocks(),
  };
  out.result(value, () => human(opts.video, frameNo, events, session.unlocks()));
  return EXIT.ok;
}

function human(video: string, frames: number, events: DecisionEvent[], unlocks: number): string {
  const lines = events.map((e) => {
    const who = e.person ? ` ${e.person}` : '';
    const live = e.liveness ? ` liveness ${e.liveness.verdict} ${e.liveness.score.toFixed(3)}` : '';
    return `  ${e.t.toFixed(2).padStart(7)} s  ${e.decision}${who}${live}`;
  });
  return [
    `${video}: ${frames} frames, ${events.length} decision(s), door opened ${unlocks} time(s)`,
    ...lines,
  ].join('\n');
}
