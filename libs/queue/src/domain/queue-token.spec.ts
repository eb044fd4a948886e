import { FakeClock } from '@test/support/fake-clock';
import { isActive } from './active-token.rule';
import {
  isLive,
  newTokenValue,
  refuseUnlessActive,
  TOKEN_FORMAT,
  TokenInvalidError,
  TokenStillInQueueError,
  visibleStatus,
} from './queue-token';

describe('queue token rules', () => {
  const clock = new FakeClock(new Date('2026-01-01T00:00:00.000Z'));
  const inTen = new Date('2026-01-01T00:00:10.000Z');

  it('an IN_PROGRESS token is active until its expiry, exclusive', () => {
    const token = { status: 'IN_PROGRESS' as const, expiresAt: inTen };
    const at = new FakeClock(clock.now());
    expect(isActive(token, at.now())).toBe(true);
    at.advanceSeconds(10);
    expect(isActive(token, at.now())).toBe(false);
    expect(isActive({ status: 'IN_QUEUE', expiresAt: null }, clock.now())).toBe(false);
    expect(isActive({ status: 'EXPIRED', expiresAt: inTen }, clock.now())).toBe(false);
  });

  it('reports an IN_PROGRESS token past its TTL as EXPIRED before the job marks it', () => {
    const token = { status: 'IN_PROGRESS' as const, expiresAt: inTen };
    const at = new FakeClock(clock.now());
    expect(visibleStatus(token, at.now())).toBe('IN_PROGRESS');
    at.advanceSeconds(10);
    expect(visibleStatus(token, at.now())).toBe('EXPIRED');
    expect(visibleStatus({ status: 'IN_QUEUE', expiresAt: null }, at.now())).toBe('IN_QUEUE');
    expect(visibleStatus({ status: 'EXPIRED', expiresAt: null }, at.now())).toBe('EXPIRED');
  });

  it('live means IN_QUEUE or IN_PROGRESS', () => {
    expect(isLive({ status: 'IN_QUEUE' })).toBe(true);
    expect(isLive({ status: 'IN_PROGRESS' })).toBe(true);
    expect(isLive({ status: 'EXPIRED' })).toBe(false);
  });

  describe('newTokenValue', () => {
    const userId = '11111111-1111-4111-8111-111111111111';

    it('is 32 lowercase hex', () => {
      expect(newTokenValue(userId, clock.now())).toMatch(TOKEN_FORMAT);
    });

    it('depends on the nonce, so that the same user and time give different tokens', () => {
      const a = newTokenValue(userId, clock.now());
      const b = newTokenValue(userId, clock.now());
      expect(a).not.toBe(b);
    });

    it('is the MD5 of user id, creation time and nonce', () => {
      const nonce = Buffer.alloc(16, 7);
      expect(newTokenValue(userId, clock.now(), nonce)).toBe(
        newTokenValue(userId, clock.now(), Buffer.alloc(16, 7)),
      );
      expect(newTokenValue(userId, clock.now(), nonce)).not.toBe(
        newTokenValue(userId, inTen, nonce),
      );
    });
  });

  describe('refuseUnlessActive (what an endpoint needing an active token answers)', () => {
    const now = clock.now();
    it.each([
      ['unknown', null, TokenInvalidError],
      ['still in queue', { status: 'IN_QUEUE', expiresAt: null }, TokenStillInQueueError],
      ['EXPIRED', { status: 'EXPIRED', expiresAt: inTen }, TokenInvalidError],
      ['IN_PROGRESS at its expiry', { status: 'IN_PROGRESS', expiresAt: now }, TokenInvalidError],
    ] as const)('refuses a token %s', (_what, token, error) => {
      expect(() => refuseUnlessActive(token, now)).toThrow(error);
    });

    it('lets an active token through, and a spent one only when it has paid', () => {
      expect(() =>
        refuseUnlessActive({ status: 'IN_PROGRESS', expiresAt: inTen }, now),
      ).not.toThrow();
      const spent = { status: 'EXPIRED' as const, expiresAt: inTen };
      expect(() => refuseUnlessActive(spent, now, { paid: true })).not.toThrow();
      expect(() => refuseUnlessActive(spent, now, { paid: false })).toThrow(TokenInvalidError);
      // A queued or unknown token is refused whatever it paid.
      expect(() =>
        refuseUnlessActive({ status: 'IN_QUEUE', expiresAt: null }, now, { paid: true }),
      ).toThrow(TokenStillInQueueError);
      expect(() => refuseUnlessActive(null, now, { paid: true })).toThrow(TokenInvalidError);
    });
  });
});
