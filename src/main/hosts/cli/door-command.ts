import type { DoorSettingsView } from '../../../shared/channels/cli-channels';
import type { RequestOf } from '../../../shared/contract';
import type { CliClient } from './cli-client';
import { EXIT, type Output } from './cli-output';
import { sendJsonFile } from './read-input-file';

export const DOOR_USAGE = `  door show                              door id, lock controller, rules, liveness settings, lock state
  door set --file JSON                   change them: {"policy":{...},"door":{...},"liveness":{...},
                                         "challenge":{"mode":"when_uncertain","timeLimitMs":8000,...},
                                         "identity":{"id":"door-1","label":"Main entrance"},
                                         "terminal":{"sound":true,"icons":true}}
                                         (policy, liveness and challenge merge over the current values;
                                         validated first, audited; invalid -> nothing changes)`;

export async function doorShowCommand(client: CliClient, out: Output): Promise<number> {
  print(out, await client.call('door:settings', {}));
  return EXIT.ok;
}

function print(out: Output, v: DoorSettingsView): void {
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
}

/**
 * `station door set --file JSON`: all parts are validated before any is written, so a
 * file with one bad field changes nothing; each written part is audited as a settings change.
 */
export async function doorSetCommand(
  client: CliClient,
  out: Output,
  file: string,
): Promise<number> {
  const settings = await sendJsonFile(file, 'settings file', (change) =>
    client.call('door:set', change as RequestOf<'door:set'>),
  );
  print(out, settings);
  return EXIT.ok;
}
