import type { HandlersFor } from '../ipc/dispatch';
import type { Station } from '../station.service';

/** Operator login/logout and the passphrases themselves; payloads already validated. */
export function createAuthHandlers(
  station: Station,
): HandlersFor<'auth:login' | 'auth:logout' | 'operator:passphrase'> {
  return {
    'auth:login': (req) => Promise.resolve(station.operators.login(req.role, req.passphrase)),
    'auth:logout': (_req, caller) =>
      Promise.resolve({ loggedOut: station.operators.logout(caller.session) }),
    'operator:passphrase': (req) => {
      station.operators.setPassphrase(req.role, req.passphrase);
      return Promise.resolve({
        role: req.role,
        auth: req.passphrase === null ? ('open' as const) : ('protected' as const),
      });
    },
  };
}
