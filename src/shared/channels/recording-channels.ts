import { z } from 'zod';
import type { LivenessVideoView } from '../cli-reports';
import { defineChannels, returns } from './channel-entry';
import { localPath } from './cli-channels';

/**
 * Channels served without any data folder (CLI only): a recording judged with the station's
 * models alone. Nothing of a station is read or written, so both operator roles may ask.
 */
export const recordingChannels = defineChannels({
  /** The liveness verdict of a recording's largest face over the door's decision window. */
  'liveness:video': {
    request: z
      .object({ video: localPath, maxSeconds: z.number().positive().max(3600).optional() })
      .strict(),
    response: returns<LivenessVideoView>(),
    roles: ['admin', 'reviewer'],
    method: undefined,
  },
});
