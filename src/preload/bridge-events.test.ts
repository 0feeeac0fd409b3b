import { describe, expect, it } from 'vitest';
import { createBridgeEvents, type EventPort } from './bridge-events';

describe('createBridgeEvents', () => {
  it('forwards only the payload and unsubscribes exactly the listener it added', () => {
    const listeners = new Set<(payload: unknown) => void>();
    const port: EventPort = { on: (l) => listeners.add(l), off: (l) => listeners.delete(l) };
    const events = createBridgeEvents(port);
    expect(Object.isFrozen(events)).toBe(true);
    expect(Object.keys(events)).toEqual(['onDoorState']);
    const seen: number[] = [];
    const off = events.onDoorState((s) => seen.push(s.seq));
    const other = events.onDoorState(() => undefined);
    for (const l of listeners) l({ seq: 7 });
    off();
    expect(listeners.size).toBe(1);
    for (const l of listeners) l({ seq: 8 });
    expect(seen).toEqual([7]);
    other();
    expect(listeners.size).toBe(0);
  });
});
