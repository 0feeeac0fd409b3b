import type { Channel } from './contract';

/**
 * The client side of operator sessions, shared by the preload bridge and the browser client:
 * the token from a successful auth:login is kept inside the client and sent with every call;
 * auth:logout (or a refusal saying the session ended) drops it. Callers never see the token.
 */
export class SessionHolder {
  private token: string | null = null;

  get current(): string | null {
    return this.token;
  }

  /** Updates the held token from one call's answer. */
  observe(channel: Channel, answer: unknown): void {
    if (channel === 'auth:logout') {
      this.token = null;
      return;
    }
    if (channel !== 'auth:login' || typeof answer !== 'object' || answer === null) return;
    const a = answer as { ok?: unknown; value?: { token?: unknown } };
    if (a.ok === true && typeof a.value?.token === 'string') this.token = a.value.token;
  }
}

/** Longest token a transport accepts (ours are 64 hex chars); longer input is ignored. */
export const MAX_SESSION_TOKEN_LENGTH = 128;

export function sessionFrom(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SESSION_TOKEN_LENGTH
    ? value
    : null;
}
