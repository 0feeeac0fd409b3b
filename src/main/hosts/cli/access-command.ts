import type { ReplayDecisionView } from '../../../shared/cli-reports';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';
import { parseMaxSeconds } from './liveness-command';

export const ACCESS_USAGE = `  access VIDEO [--max-seconds S]       play a recording through the whole door decision (detect,
                                         identify, liveness, rules) with a simulated lock; prints
                                         each decision with its time and reason`;

/**
 * `station access VIDEO [--json]`: runs a recording through the door decision (`access:replay`)
 * with its own frame times so the window behaves as at the door. Decisions are audited as
 * replays and the lock is always simulated: a replay never opens the real door.
 */
export async function accessCommand(
  client: CliClient,
  out: Output,
  opts: { video: string; maxSeconds?: string | undefined },
): Promise<number> {
  const maxSeconds = parseMaxSeconds(opts.maxSeconds);
  const value = await client.call('access:replay', {
    video: opts.video,
    ...(maxSeconds ? { maxSeconds } : {}),
  });
  out.result(value, () => human(opts.video, value.frames, value.decisions, value.unlocks));
  return EXIT.ok;
}

function human(
  video: string,
  frames: number,
  events: readonly ReplayDecisionView[],
  unlocks: number,
): string {
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
