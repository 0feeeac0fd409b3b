import { basename } from 'node:path';
import type { AuditedDecision } from '../../core/access/door-frame.service';
import { round4 } from '../../core/recognition/recognition.service';
import { openVideoFrames } from '../../adapters/ffmpeg-video-frames';
import type { Station } from '../../core/station.service';
import { EXIT, type Output } from './cli-output';
import { parseMaxSeconds } from './liveness-command';

export const ACCESS_USAGE = `  access VIDEO [--max-seconds S]       play a recording through the whole door decision (detect,
                                         identify, liveness, rules) with a simulated lock; prints
                                         each decision with its time and reason`;

interface DecisionEvent {
  /** Seconds from the start of the video. */
  t: number;
  frame: number;
  decision: AuditedDecision['decision'];
  person: string | null;
  similarity: number | null;
  liveness: AuditedDecision['liveness'];
  /** This decision opened the (simulated) door. */
  unlocked: boolean;
  /** A repeated grant of a person who never left (docs/DOOR.md, "A person who stays"). */
  regrant: boolean;
  /** The audit row that records it. */
  auditRow: number;
}

/**
 * `station access VIDEO [--json]`: runs a recording through the door decision with its own frame
 * times so the window behaves as at the door. Decisions are audited as replays and the lock is
 * always simulated: a replay never opens the real door.
 */
export async function accessCommand(
  station: Station,
  out: Output,
  opts: { video: string; maxSeconds?: string | undefined },
): Promise<number> {
  const maxSeconds = parseMaxSeconds(opts.maxSeconds);
  const { info, frames } = await openVideoFrames(opts.video, maxSeconds ? { maxSeconds } : {});
  const session = station.doors.videoSession(basename(opts.video));
  // Each frame's own time in the recording, by frame number (the report's `t`).
  const frameTimes: number[] = [];
  let frameNo = 0;
  for await (const img of frames) {
    await session.process(frameNo, img, img.timestampMs);
    frameTimes.push(img.timestampMs);
    frameNo += 1;
  }
  const events: DecisionEvent[] = session.decisions().map((d) => ({
    t: Math.round(frameTimes[d.frameId] ?? 0) / 1000,
    frame: d.frameId,
    decision: d.decision,
    person: d.person?.name ?? null,
    similarity: Number.isFinite(d.similarity) && d.similarity > -1 ? round4(d.similarity) : null,
    liveness: d.liveness,
    unlocked: d.unlocked,
    regrant: d.regrant,
    auditRow: d.auditRow,
  }));
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
    const door = e.unlocked
      ? e.regrant
        ? '  door opened again (still there)'
        : '  door opened'
      : '';
    return `  ${e.t.toFixed(2).padStart(7)} s  ${e.decision}${who}${live}${door}`;
  });
  return [
    `${video}: ${frames} frames, ${events.length} decision(s), door opened ${unlocks} time(s)`,
    ...lines,
  ].join('\n');
}
