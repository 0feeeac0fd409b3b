import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { contract, isPageChannel, type Channel } from '../../../shared/contract';
import type { Result } from '../../../shared/errors';
import { sessionFrom } from '../../../shared/session-token';
import { dispatch, type Handlers } from '../../core/ipc/dispatch';
import { isTrustedIpcSender, type AppOrigin } from './security-policy';

/**
 * One ipcMain.handle per page channel (CLI admin channels have no page method). The sender is
 * checked first (the app's own top frame only), then dispatch() validates the untrusted payload.
 * Returns a function that removes the handlers.
 */
export function registerStationIpc(handlers: Handlers, origin: AppOrigin): () => void {
  const channels = (Object.keys(contract) as Channel[]).filter(isPageChannel);
  for (const channel of channels) {
    // The preload passes the operator session token as a second argument (untrusted: checked
    // for shape here, for validity by dispatch).
    ipcMain.handle(
      channel,
      (event, payload: unknown, session: unknown): Promise<Result<unknown>> => {
        if (!isTrustedIpcSender(describeSender(event), origin)) {
          console.warn(
            `[security] refused ${channel} from ${describeSender(event).frameUrl ?? 'an unknown frame'}`,
          );
          return Promise.resolve({
            ok: false,
            error: {
              code: 'UNAUTHORIZED',
              message: `${channel} is only served to the station's own page`,
            },
          });
        }
        return dispatch(handlers, channel, payload, { session: sessionFrom(session) });
      },
    );
  }
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel));
}

function describeSender(event: IpcMainInvokeEvent): {
  frameUrl: string | undefined;
  isTopFrame: boolean;
} {
  try {
    const frame = event.senderFrame;
    return { frameUrl: frame?.url, isTopFrame: frame !== null && frame.parent === null };
  } catch {
    // A frame disposed mid-call throws on access: treat it as untrusted.
    return { frameUrl: undefined, isTopFrame: false };
  }
}
