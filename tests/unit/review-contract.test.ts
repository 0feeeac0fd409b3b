import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../src/main/core/ipc/dispatch';
import { API_METHODS, type Channel } from '../../src/shared/contract';
import { stubHandlers } from '../support/stub-handlers';

/**
 * The review and erasure channels at the IPC boundary: what the zod schemas let through (and
 * how they normalise it), and the clear BAD_REQUEST every malformed payload gets instead.
 */

const seen: Array<[Channel, unknown]> = [];
const record =
  <T>(channel: Channel, value: T) =>
  (req: unknown): Promise<T> => {
    seen.push([channel, req]);
    return Promise.resolve(value);
  };
const handlers: Handlers = stubHandlers({
  'people:erase': record('people:erase', {
    erased: { id: 'p1', name: 'Ada' },
    templates: 3,
    verified: true,
    problems: [],
  }),
  'audit:query': record('audit:query', { events: [], nextCursor: null, people: [], revealed: {} }),
  'audit:export': record('audit:export', { csv: 'id\r\n', rows: 0, nextCursor: null }),
  'audit:doors': record('audit:doors', { doors: [], current: { id: 'door-1', label: 'Door 1' } }),
  'audit:verify': record('audit:verify', {
    ok: true,
    rows: 0,
    firstBrokenRow: null,
    reason: null,
  }),
});

async function lastParsed(channel: Channel, payload: unknown): Promise<unknown> {
  seen.length = 0;
  const r = await dispatch(handlers, channel, payload);
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return seen.at(-1)?.[1];
}

async function rejects(channel: Channel, payload: unknown, message: RegExp): Promise<void> {
  const r = await dispatch(handlers, channel, payload);
  expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  if (!r.ok) expect(r.error.message).toMatch(message);
}

describe('review and erasure channels', () => {
  it('are exposed as named API methods', () => {
    expect(API_METHODS).toMatchObject({
      erasePerson: 'people:erase',
      queryAudit: 'audit:query',
      exportAudit: 'audit:export',
      auditDetail: 'audit:detail',
      verifyAudit: 'audit:verify',
    });
  });

  it('people:erase needs an id and confirm: true, nothing else', async () => {
    expect(await lastParsed('people:erase', { personId: ' p1 ', confirm: true })).toEqual({
      personId: 'p1',
      confirm: true,
    });
    await rejects('people:erase', { personId: 'p1' }, /at confirm: erasure must be confirmed/);
    await rejects('people:erase', { personId: 'p1', confirm: false }, /at confirm/);
    await rejects('people:erase', { personId: 'p1', confirm: 'yes' }, /at confirm/);
    await rejects('people:erase', { personId: '', confirm: true }, /at personId/);
    await rejects('people:erase', { personId: 'p1', confirm: true, all: true }, /all/);
    await rejects('people:erase', null, /Invalid people:erase request/);
  });

  it('audit:query normalises bounds to stored ISO form and defaults the page size', async () => {
    expect(
      await lastParsed('audit:query', {
        filter: { from: '2026-11-30T09:00:00+01:00', to: '2026-12-01', person: '  Ada ' },
      }),
    ).toEqual({
      filter: { from: '2026-11-30T08:00:00.000Z', to: '2026-12-01T00:00:00.000Z', person: 'Ada' },
      limit: 50,
    });
    expect(
      await lastParsed('audit:query', {
        filter: { kind: 'erasure', decision: 'granted' },
        cursor: '2026-11-30T08:00:00.000Z~42',
        limit: 200,
      }),
    ).toEqual({
      filter: { kind: 'erasure', decision: 'granted' },
      cursor: { at: '2026-11-30T08:00:00.000Z', id: 42 },
      limit: 200,
    });
  });

  it('audit:query refuses malformed filters, cursors and page sizes with the field named', async () => {
    await rejects('audit:query', { filter: { from: 'yesterday' } }, /at filter\.from: not an ISO/);
    await rejects('audit:query', { filter: { from: '2026-13-45T00:00:00Z' } }, /filter\.from/);
    await rejects(
      'audit:query',
      { filter: { from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' } },
      /at filter\.to: "from" must be earlier than "to"/,
    );
    await rejects('audit:query', { filter: { decision: 'maybe' } }, /at filter\.decision/);
    await rejects('audit:query', { filter: { kind: 'logon' } }, /at filter\.kind/);
    await rejects('audit:query', { filter: { person: '   ' } }, /at filter\.person/);
    await rejects('audit:query', { filter: { person: 'x'.repeat(500) } }, /at filter\.person/);
    await rejects('audit:query', { filter: {}, cursor: '42' }, /at cursor: not a cursor/);
    await rejects('audit:query', { filter: {}, cursor: "x' OR 1=1 --" }, /at cursor/);
    await rejects('audit:query', { filter: {}, limit: 0 }, /at limit/);
    await rejects('audit:query', { filter: {}, limit: 10_000 }, /at limit/);
    await rejects('audit:query', { filter: {}, limit: 2.5 }, /at limit/);
    await rejects('audit:query', { filter: { door: '' } }, /at filter\.door/);
    await rejects('audit:query', { filter: { door: 'd'.repeat(65) } }, /at filter\.door/);
    await rejects('audit:query', { filter: { door: 7 } }, /at filter\.door/);
    await rejects('audit:query', { filter: { doors: ['x'] } }, /doors/);
    await rejects('audit:query', {}, /at filter/);
  });

  it('audit:export takes the same filter and a cursor; audit:detail a positive integer id', async () => {
    expect(await lastParsed('audit:export', { filter: { decision: 'unknown_face' } })).toEqual({
      filter: { decision: 'unknown_face' },
    });
    await rejects('audit:export', { filter: {}, limit: 5 }, /limit/);
    await rejects('audit:detail', { id: 0 }, /at id/);
    await rejects('audit:detail', { id: '7' }, /at id/);
    await rejects('audit:verify', { fix: true }, /fix/);
    expect(await lastParsed('audit:verify', {})).toEqual({});
  });

  it('the door filter is an exact id (any text the log may hold), on query and export alike', async () => {
    // Matched as a value, never spliced: quotes and wildcards are just characters.
    const door = `front, "main" %`;
    expect(await lastParsed('audit:query', { filter: { door, decision: 'granted' } })).toEqual({
      filter: { door, decision: 'granted' },
      limit: 50,
    });
    expect(await lastParsed('audit:export', { filter: { door: 'door-1' } })).toEqual({
      filter: { door: 'door-1' },
    });
    expect(API_METHODS.auditDoors).toBe('audit:doors');
    expect(await lastParsed('audit:doors', {})).toEqual({});
    await rejects('audit:doors', { all: true }, /all/);
  });
});
