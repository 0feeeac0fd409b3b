import { authContract, type LoginResult } from '../auth-contract';
import { defineChannels, returns } from './channel-entry';

/** Operator login/logout: open to anyone (the passphrase is the check). */
export const authChannels = defineChannels({
  'auth:login': {
    request: authContract['auth:login'],
    response: returns<LoginResult>(),
    roles: [],
    method: 'login',
  },
  'auth:logout': {
    request: authContract['auth:logout'],
    response: returns<{ loggedOut: boolean }>(),
    roles: [],
    method: 'logout',
  },
});
