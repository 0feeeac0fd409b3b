import { z } from 'zod';
import type { DoorSettingsView } from '../../../shared/channels/cli-channels';
import type { ParsedRequestOf } from '../../../shared/contract';
import { StationError } from '../../../shared/errors';
import { actorOf, type CallerContext, type HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';
import type { DoorSettingsParts } from './door-settings-admin';

/** The door's settings as the CLI's `door show` prints them. */
function doorSettings(station: Station): DoorSettingsView {
  return {
    identity: station.access.identity(),
    door: station.access.door(),
    status: station.doors.status(),
    policy: station.access.policy(),
    liveness: station.access.liveness(),
    challenge: station.access.challenge(),
    terminal: station.access.terminalDisplay(),
  };
}

/** Merges the given parts over the current values; validates them all; null = not given. */
function mergedParts(station: Station, change: ParsedRequestOf<'door:set'>) {
  const over = <T extends object>(current: T, part: Record<string, unknown> | undefined) =>
    part ? { ...current, ...part } : null;
  const parts = {
    policy: over(station.access.policy(), change.policy),
    door: change.door ?? null,
    liveness: over(station.access.liveness(), change.liveness),
    identity: change.identity ?? null,
    challenge: over(station.access.challenge(), change.challenge),
    terminal: over(station.access.terminalDisplay(), change.terminal),
  };
  return checkedDoorSettings(station, parts);
}

/** Validates door settings parts (null = not given): an invalid part is BAD_REQUEST. */
export function checkedDoorSettings<T extends DoorSettingsParts>(station: Station, parts: T): T {
  try {
    station.doorSettings.validate(parts);
  } catch (err) {
    throw new StationError('BAD_REQUEST', describe(err), { cause: err });
  }
  return parts;
}

/** Writes a validated change, each part audited as a settings change. */
function setDoor(station: Station, change: ParsedRequestOf<'door:set'>, caller: CallerContext) {
  const parts = mergedParts(station, change);
  const by = actorOf(caller, 'admin');
  // The identity first: the other changes in the same request are then filed under the new id.
  if (parts.identity) station.doorSettings.setIdentity(parts.identity, by);
  if (parts.policy) station.doorSettings.setAccessPolicy(parts.policy, by);
  if (parts.door) station.doorSettings.setDoorConfig(parts.door, by);
  if (parts.liveness) station.doorSettings.setLiveness(parts.liveness, by);
  if (parts.challenge) station.doorSettings.setChallenge(parts.challenge, by);
  if (parts.terminal) station.doorSettings.setTerminalDisplay(parts.terminal, by);
  return doorSettings(station);
}

function describe(err: unknown): string {
  if (err instanceof z.ZodError)
    return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return err instanceof Error ? err.message : String(err);
}

/** The door's settings for the CLI's `door show|set` (admin channels without a page method). */
export function createDoorSettingsHandlers(
  station: Station,
): HandlersFor<'door:settings' | 'door:set'> {
  return {
    'door:settings': () => Promise.resolve(doorSettings(station)),
    'door:set': (req, caller) => Promise.resolve(setDoor(station, req, caller)),
  };
}
