import type { ServerResponse } from 'node:http';

/**
 * Request bytes the loopback host holds at once, over every request. A request reserves its
 * declared length before its body is read (or its chunks as they arrive, when it declares
 * none) and gives everything back when its response is finished or its connection closed,
 * whatever happened in between. Past the budget a request is refused (503) instead of being
 * buffered: one large enrolment at a time, while the terminal's frames keep flowing.
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
