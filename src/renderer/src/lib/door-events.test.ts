import { describe, expect, it } from 'vitest';
import { SseParser } from './door-events';

describe('SseParser', () => {
  it('yields the data of door events across chunk boundaries, skipping comments', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\n\nid: 1\nevent: door\nda')).toEqual([]);
    expect(p.push('ta: {"seq":1}\n\nid: 2\nevent: door\ndata: {"seq":2}\n\n')).toEqual([
      '{"seq":1}',
      '{"seq":2}',
    ]);
  });

  it('ignores events of another name', () => {
    expect(new SseParser().push('event: other\ndata: x\n\n')).toEqual([]);
  });
});
