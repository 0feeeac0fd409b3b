import { basename } from 'node:path';
import type { AccessReplayView, ReplayDecisionView } from '../../../shared/cli-reports';
import type { HandlersFor } from '../ipc/dispatch';
import { requireLocalMedia, type LocalMedia } from '../ports/local-media';
import { round4 } from '../recognition/recognition.service';
import type { Station } from '../station.service';

/**
 * `access:replay`: a recording through the door decision with its own frame times, so the
 * window behaves as at the door. Decisions are audited as replays and the lock is always
 * simulated: a replay never opens the real door.
 */
export function createAccessReplayHandlers(
  station: Station,
  media: LocalMedia | undefined,
): HandlersFor<'access:replay'> {
  return {
    'access:replay': async (req): Promise<AccessReplayView> => {
      const { info, frames } = await requireLocalMedia(media).openVideo(
        req.video,
        req.maxSeconds ? { maxSeconds: req.maxSeconds } : {},
      );
      const session = station.doors.videoSession(basename(req.video));
      // Each frame's own time in the recording, by frame number (the report's `t`).
      const frameTimes: number[] = [];
      let frameNo = 0;
      for await (const img of frames) {
        await session.process(frameNo, img, img.timestampMs);
        frameTimes.push(img.timestampMs);
        frameNo += 1;
      }
      const decisions: ReplayDecisionView[] = session.decisions().map((d) => ({
        t: Math.round(frameTimes[d.frameId] ?? 0) / 1000,
        frame: d.frameId,
        decision: d.decision,
        person: d.person?.name ?? null,
        similarity:
          Number.isFinite(d.similarity) && d.similarity > -1 ? round4(d.similarity) : null,
        liveness: d.liveness,
        unlocked: d.unlocked,
        regrant: d.regrant,
        auditRow: d.auditRow,
      }));
      const { width, height, fps, rotation } = info;
      return {
        video: { file: req.video, width, height, fps, rotation },
        frames: frameNo,
        decisions,
        unlocks: session.unlocks(),
      };
    },
  };
}
