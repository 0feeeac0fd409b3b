import { randomUUID } from 'node:crypto';
import {
  commandFailed,
  commandOk,
  type DoorCommandResult,
  type DoorController,
  type UnlockCommand,
} from './door-controller';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature';

export interface WebhookDoorOptions {
  url: string;
  secret: Buffer;
  /** Per attempt; a lock that answers late is treated as not opened. */
  timeoutMs: number;
  /** Total attempts including the first (>= 1). */
  attempts: number;
  /** Pause before retry n is n * backoffMs (linear: the person is waiting at the door). */
  backoffMs: number;
  stationId: string;
  now?: () => number;
}

/**
 * Door lock reached over HTTP(S): a JSON POST signed with HMAC-SHA-256. Retries on network
 * errors, timeouts and 5xx; a 4xx is final (the receiver refused us, retrying will not help).
 * Only a 2xx counts as success, so every other outcome keeps the door locked (fail-secure).
 */
export class WebhookDoor implements DoorController {
  readonly kind = 'webhook' as const;

  constructor(private readonly o: WebhookDoorOptions) {
    if (o.attempts < 1) throw new RangeError('webhook attempts must be >= 1');
  }

  unlock(cmd: UnlockCommand): Promise<DoorCommandResult> {
    return this.send({
      action: 'unlock',
      durationMs: cmd.durationMs,
      decisionRef: cmd.decisionRef,
    });
  }

  lock(): Promise<DoorCommandResult> {
    return this.send({ action: 'lock' });
  }

  private async send(payload: Record<string, unknown>): Promise<DoorCommandResult> {
    const now = this.o.now ?? Date.now;
    // One request id for all attempts, so the receiver can de-duplicate a retried unlock.
    const body = JSON.stringify({ ...payload, station: this.o.stationId, requestId: randomUUID() });
    let lastError = 'no attempt made';
    for (let attempt = 1; attempt <= this.o.attempts; attempt++) {
      if (attempt > 1) await sleep(this.o.backoffMs * (attempt - 1));
      const ts = now();
      try {
        const res = await fetch(this.o.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [TIMESTAMP_HEADER]: String(ts),
            [SIGNATURE_HEADER]: signWebhook(this.o.secret, ts, body),
          },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs),
          redirect: 'error',
        });
        await res.body?.cancel();
        if (res.ok) return commandOk(attempt);
        lastError = `door webhook answered HTTP ${res.status}`;
        if (res.status < 500) return commandFailed(lastError, attempt);
      } catch (err) {
        lastError = describeFetchError(err, this.o.timeoutMs);
      }
    }
    return commandFailed(lastError, this.o.attempts);
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `door webhook did not answer within ${timeoutMs} ms`;
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `door webhook unreachable${cause}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
