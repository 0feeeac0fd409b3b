import type { Handlers } from '../../src/main/core/ipc/dispatch';
import { contract, type Channel } from '../../src/shared/contract';
import { StationError } from '../../src/shared/errors';

/**
 * Handlers for every contract channel: the given ones, and for all others a handler that
 * fails loudly. Tests of a few channels stay valid when other channels are added.
 */
export function stubHandlers(given: Partial<Handlers>): Handlers {
  const all: Partial<Record<Channel, () => Promise<never>>> = {};
  for (const channel of Object.keys(contract) as Channel[]) {
    all[channel] = () =>
      Promise.reject(new StationError('INTERNAL', `${channel} is not used in this test`));
  }
  // Every channel has a handler now; the given ones replace the failing defaults.
  return { ...all, ...given } as Handlers;
}
