import { describe, expect, it } from 'vitest';
import { API_METHODS, type ApiMethod, type StationApi } from '../../src/shared/api-methods';
import type { Result } from '../../src/shared/errors';
import type { OperatorRole } from '../../src/shared/operator-roles';
import {
  guardSession,
  readSessionRefusal,
  type SessionRefusal,
} from '../../src/renderer/src/lib/session-guard';

/**
 * The renderer's side of an operator session that ended on the station: which refused answers
 * send the operator back to the login form (and with what words), and which are left to the
 * view's own error handling.
 */

const refused: Result<never> = {
  ok: false,
  error: {
    code: 'UNAUTHORIZED',
    message:
      'audit:query: Your session has ended (logged out or idle for 15 min): log in as reviewer or admin again.',
  },
};

/** A client whose every call answers `answer` and records the method called. */
function fakeApi(answer: Result<unknown>, calls: string[]): StationApi {
  const api: Partial<Record<ApiMethod, () => Promise<Result<unknown>>>> = {};
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    api[method] = () => {
      calls.push(method);
      return Promise.resolve(answer);
    };
  }
  return api as StationApi;
}

describe('session guard (renderer)', () => {
  it('an UNAUTHORIZED answer on a channel the held role opens = the session ended', () => {
    const r = readSessionRefusal('audit:query', refused, 'reviewer');
    expect(r).toEqual({
      ended: true,
      notice: expect.stringMatching(/reviewer session has ended.*Log in again/) as string,
    });
    // The admin may read the audit too: an admin session ending on audit:detail is the same.
    expect(readSessionRefusal('audit:detail', refused, 'admin')?.ended).toBe(true);
    expect(readSessionRefusal('people:erase', refused, 'admin')?.ended).toBe(true);
  });

  it('without a session, the view was open and now has a passphrase: login, nothing ended', () => {
    expect(readSessionRefusal('audit:query', refused, null)).toEqual({
      ended: false,
      notice: 'This view needs a login now: a passphrase was set for it.',
    });
    // A reviewer calling an admin channel keeps the reviewer session.
    expect(readSessionRefusal('people:list', refused, 'reviewer')?.ended).toBe(false);
  });

  it('leaves other answers alone: success, other codes, channels without a role', () => {
    expect(readSessionRefusal('audit:query', { ok: true, value: {} }, 'reviewer')).toBeNull();
    expect(
      readSessionRefusal(
        'audit:query',
        { ok: false, error: { code: 'BAD_REQUEST', message: 'x' } },
        'reviewer',
      ),
    ).toBeNull();
    // A wrong passphrase (auth:login) and the page's access key (terminal channels) are not
    // about a session: the login form / start-up screen show those themselves.
    expect(readSessionRefusal('auth:login', refused, null)).toBeNull();
    expect(readSessionRefusal('access:frame', refused, 'reviewer')).toBeNull();
  });

  it('the guarded client reports each refusal once and still returns the answer', async () => {
    const calls: string[] = [];
    const seen: SessionRefusal[] = [];
    let role: OperatorRole | null = 'reviewer';
    const api = guardSession(
      fakeApi(refused, calls),
      () => role,
      (r) => {
        seen.push(r);
        if (r.ended) role = null; // what OperatorAuthState.refused does
      },
    );
    expect(await api.queryAudit({ filter: {} })).toEqual(refused);
    expect(await api.auditDoors({})).toEqual(refused);
    expect(calls).toEqual(['queryAudit', 'auditDoors']);
    expect(seen.map((r) => r.ended)).toEqual([true, false]);
    const ok = guardSession(
      fakeApi({ ok: true, value: 1 }, []),
      () => 'admin',
      () => {
        throw new Error('no refusal expected');
      },
    );
    expect(await ok.verifyAudit({})).toEqual({ ok: true, value: 1 });
  });
});
