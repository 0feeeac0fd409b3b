import { EVENTS_BRIDGE_KEY, type StationEvents } from '../../../shared/api-methods';
import type { DoorScreenState } from '../../../shared/door-contract';
import { SECRET_HEADER } from '../../../shared/loopback-headers';

/** The loopback host's Server-Sent Events path (src/main/hosts/loopback/loopback-host.ts). */
const DOOR_EVENTS_URL = './api/events/door';
/** A dropped stream (station restarted, laptop slept) is opened again after this pause. */
const RECONNECT_MS = 1_000;

/**
 * Splits a Server-Sent Events text stream into the `data:` payloads of `door` events. Fed
 * chunk by chunk; keeps the unfinished tail for the next chunk.
 */
export class SseParser {
  private buffer = '';

  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const lines = block.split('\n');
      const isDoor = lines.some((l) => l === 'event: door');
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
      if (isDoor && data.length) out.push(data.join('\n'));
      end = this.buffer.indexOf('\n\n');
    }
    return out;
  }
}

/**
 * Browser mode: the door screen read from the host's event stream with fetch (EventSource
 * cannot send the secret header), reopened when it drops.
 */
export function createHttpEvents(
  secret: string,
  fetchFn: typeof fetch = fetch.bind(globalThis),
): StationEvents {
  return {
    onDoorState(listener) {
      const abort = new AbortController();
      void follow(secret, fetchFn, abort.signal, listener);
      return () => abort.abort();
    },
  };
}

async function follow(
  secret: string,
  fetchFn: typeof fetch,
  signal: AbortSignal,
  listener: (state: DoorScreenState) => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const res = await fetchFn(DOOR_EVENTS_URL, {
        headers: { [SECRET_HEADER]: secret },
        cache: 'no-store',
        signal,
      });
      if (res.ok && res.body) await read(res.body, listener);
    } catch {
      // Aborted, or the station is away for a moment: try again below.
    }
    if (signal.aborted) return;
    await new Promise((r) => setTimeout(r, RECONNECT_MS));
  }
}

async function read(
  body: ReadableStream<Uint8Array>,
  listener: (state: DoorScreenState) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const text = decoder.decode(value, { stream: true });
    // The host serialises DoorScreenState itself; the page treats it as data.
    for (const data of parser.push(text)) listener(JSON.parse(data) as DoorScreenState);
  }
}

/** Electron's preload bridge when present, else the browser-mode stream; null without either. */
export function connectEvents(secret: string | null): StationEvents | null {
  const bridged = (window as unknown as Record<string, StationEvents | undefined>)[
    EVENTS_BRIDGE_KEY
  ];
  if (bridged) return bridged;
  return secret ? createHttpEvents(secret) : null;
}
