import type { ServerResponse } from 'node:http';

/**
 * Request bytes the loopback host holds at once across all requests, reserved before a body is read
 * and released when the response ends or the connection closes. Past the budget a request gets 503
 * instead of being buffered, so terminal frames keep flowing.
 */
export class InFlightBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get bytes(): number {
    return this.used;
  }

  /** A holder for one request, released once `res` is done. */
  hold(res: ServerResponse): { reserve: (bytes: number) => boolean } {
    let held = 0;
    const release = (): void => {
      this.used -= held;
      held = 0;
    };
    res.once('finish', release);
    res.once('close', release);
    return {
      reserve: (bytes) => {
        if (bytes <= 0) return true;
        if (this.used + bytes > this.limit) return false;
        this.used += bytes;
        held += bytes;
        return true;
      },
    };
  }
}
