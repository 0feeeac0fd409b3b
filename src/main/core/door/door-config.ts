import { z } from 'zod';
import type { DoorController } from './door-controller';
import { SerialRelay } from './serial-relay';
import { SimulatedRelay } from './simulated-relay';
import { WebhookDoor } from './webhook-door';

/** Which lock the station drives; stored as one validated settings value. */
export const doorConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('simulated') }).strict(),
  z
    .object({
      kind: z.literal('webhook'),
      url: z
        .string()
        .url()
        .refine((u) => /^https?:\/\//.test(u), 'webhook URL must be http(s)'),
      timeoutMs: z.number().int().min(50).max(10_000),
      attempts: z.number().int().min(1).max(5),
      backoffMs: z.number().int().min(0).max(2_000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('serial'),
      devicePath: z.string().min(1).max(256),
      channel: z.number().int().min(1).max(8),
      timeoutMs: z.number().int().min(50).max(10_000),
    })
    .strict(),
]);

export type DoorConfig = z.infer<typeof doorConfigSchema>;

export const DEFAULT_DOOR_CONFIG: DoorConfig = { kind: 'simulated' };

export function createDoorController(
  config: DoorConfig,
  opts: { stationId: string; webhookSecret: () => Buffer },
): DoorController {
  switch (config.kind) {
    case 'simulated':
      return new SimulatedRelay();
    case 'webhook':
      return new WebhookDoor({
        ...config,
        secret: opts.webhookSecret(),
        stationId: opts.stationId,
      });
    case 'serial':
      return new SerialRelay(config);
  }
}
