import { z } from 'zod';
import { StationError } from '../../shared/errors';
import type { Station } from '../core/station.service';
import { EXIT, type Output } from './cli-output';
import { readInputFile } from './read-input-file';

export const DOOR_USAGE = `  door show                              door id, lock controller, rules, liveness settings, lock state
  door set --file JSON                   change them: {"policy":{...},"door":{...},"liveness":{...},
                                         "challenge":{"mode":"when_uncertain","timeLimitMs":8000,...},
                                         "identity":{"id":"door-1","label":"Main entrance"},
                                         "terminal":{"sound":true,"icons":true}}
                                         (policy, liveness and challenge merge over the current values;
                                         validated first, audited; invalid -> nothing changes)`;

const changeSchema = z
  .object({
    policy: z.record(z.string(), z.unknown()).optional(),
    door: z.record(z.string(), z.unknown()).optional(),
    liveness: z.record(z.string(), z.unknown()).optional(),
    /** The active challenge: mode off | when_uncertain | always, time limit, actions. */
    challenge: z.record(z.string(), z.unknown()).optional(),
    /** The door's id (what audit rows and the reviewer's door filter use) and label. */
    identity: z.record(z.string(), z.unknown()).optional(),
    /** The terminal's cues for granted / denied: {"sound": bool, "icons": bool}. */
    terminal: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

function show(station: Station) {
  return {
    identity: station.access.identity(),
    door: station.access.door(),
    status: station.doorStatus(),
    policy: station.access.policy(),
    liveness: station.access.liveness(),
    challenge: station.access.challenge(),
    terminal: station.access.terminalDisplay(),
  };
}

export function doorShowCommand(station: Station, out: Output): number {
  const v = show(station);
  out.result(v, () =>
    [
      `Door: ${v.identity.label} (id ${v.identity.id})`,
      `Lock: ${v.door.kind} (${v.status.state})`,
      `Rules: ${v.policy.agreeFrames} agreeing frames, at most ${v.policy.maxFaces} face(s), liveness ${v.policy.requireLiveness ? 'required' : 'NOT required'}, unlock ${v.policy.unlockMs} ms`,
      `Lockout: ${v.policy.lockout.maxFailures} refusals of one face in ${v.policy.lockout.windowMs / 1000} s -> that face waits ${v.policy.lockout.lockMs / 1000} s; ${v.policy.lockout.floodMaxFailures} refusals of anyone -> the terminal waits`,
      `Liveness window: at least ${v.liveness.windowFrames} frames over at least ${v.liveness.windowMs} ms`,
      `Active challenge: ${v.challenge.mode}, ${v.challenge.actions} action(s) from ${v.challenge.allowed.join(', ')} within ${v.challenge.timeLimitMs / 1000} s`,
      `Allowed virtual cameras: ${v.policy.allowedCameraLabels.join(', ') || '-'}`,
      `Terminal cues: sound ${v.terminal.sound ? 'on' : 'off'}, icons ${v.terminal.icons ? 'on' : 'off'}`,
    ].join('\n'),
  );
  return EXIT.ok;
}

/**
 * `station door set --file JSON`: all parts are validated before any is written, so a
 * file with one bad field changes nothing; each written part is audited as a settings change.
 */
export async function doorSetCommand(station: Station, out: Output, file: string): Promise<number> {
  const { bytes } = await readInputFile(file);
  let change: z.infer<typeof changeSchema>;
  try {
    change = changeSchema.parse(JSON.parse(bytes.toString('utf8')));
  } catch (err) {
    throw new StationError('BAD_REQUEST', `${file}: not a valid settings file: ${message(err)}`);
  }
  const policy = change.policy ? { ...station.access.policy(), ...change.policy } : null;
  const liveness = change.liveness ? { ...station.access.liveness(), ...change.liveness } : null;
  const challenge = change.challenge
    ? { ...station.access.challenge(), ...change.challenge }
    : null;
  const terminal = change.terminal
    ? { ...station.access.terminalDisplay(), ...change.terminal }
    : null;
  try {
    station.validateDoorSettings({
      policy,
      door: change.door ?? null,
      liveness,
      identity: change.identity ?? null,
      challenge,
      terminal,
    });
  } catch (err) {
    throw new StationError('BAD_REQUEST', `${file}: ${message(err)}`);
  }
  // The identity first: the other changes in the same file are then filed under the new id.
  if (change.identity) station.setDoorIdentity(change.identity, 'cli');
  if (policy) station.setAccessPolicy(policy, 'cli');
  if (change.door) station.setDoorConfig(change.door, 'cli');
  if (liveness) station.setLivenessSettings(liveness, 'cli');
  if (challenge) station.setChallengeSettings(challenge, 'cli');
  if (terminal) station.setTerminalDisplay(terminal, 'cli');
  return doorShowCommand(station, out);
}

function message(err: unknown): string {
  if (err instanceof z.ZodError)
    return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return err instanceof Error ? err.message : String(err);
}
