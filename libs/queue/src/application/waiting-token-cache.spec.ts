import { AppConfig } from '@app/common/config/app-config';
import { QueueToken } from '../domain/queue-token';
import { WaitingTokenCache } from './waiting-token-cache';

describe('WaitingTokenCache', () => {
  const config = (size = 100) =>
    AppConfig.fromRaw({
      DATABASE_URL: 'postgres://unit/test',
      QUEUE_TOKEN_CACHE_SIZE: String(size),
    });
  const waiting = (n: number, overrides: Partial<QueueToken> = {}): QueueToken => ({
    id: n,
    token: n.toString(16).padStart(32, '0'),
    userId: `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`,
    status: 'IN_QUEUE',
    lineKey: 1_000 + n,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    lastSeenAt: new Date(Date.UTC(2026, 0, 1, 0, 1, n)),
    activatedAt: null,
    expiresAt: null,
    prequeue: null,
    ...overrides,
  });

  it('gives back every fact of a waiting token, with the generation it was read in', () => {
    const cache = new WaitingTokenCache(config());
    const token = waiting(7);
    cache.remember(token, 3);
    expect(cache.get(token.token)).toEqual({ token, generation: 3 });
  });

  it('keeps a pre-queued token (no key yet) as such, with its arrival number', () => {
    const cache = new WaitingTokenCache(config());
    const token = waiting(8, { lineKey: null, prequeue: { seq: 41, lateBelow: 2_000 } });
    cache.remember(token, 0);
    expect(cache.get(token.token)?.token).toEqual(token);
  });

  it('hands out a fresh token each time: a caller changing it does not change the cache', () => {
    const cache = new WaitingTokenCache(config());
    const token = waiting(9);
    cache.remember(token, 0);
    const first = cache.get(token.token)!.token;
    first.lastSeenAt.setTime(0);
    first.lineKey = -1;
    expect(cache.get(token.token)!.token).toEqual(token);
  });

  it('a newer fact replaces the older (the sign of life written at the head)', () => {
    const cache = new WaitingTokenCache(config());
    const token = waiting(10);
    cache.remember(token, 0);
    const seen = new Date(Date.UTC(2026, 0, 1, 1));
    cache.remember({ ...token, lastSeenAt: seen }, 1);
    expect(cache.get(token.token)).toEqual({
      token: { ...token, lastSeenAt: seen },
      generation: 1,
    });
  });

  it('forgets a token that is no longer waiting, and never keeps one that is not', () => {
    const cache = new WaitingTokenCache(config());
    const token = waiting(11);
    cache.remember(token, 0);
    cache.remember(
      { ...token, status: 'IN_PROGRESS', activatedAt: new Date(), expiresAt: new Date() },
      0,
    );
    expect(cache.get(token.token)).toBeUndefined();
    cache.remember(waiting(12, { status: 'EXPIRED' }), 0);
    expect(cache.get(waiting(12).token)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most QUEUE_TOKEN_CACHE_SIZE tokens, the least recently polled out first', () => {
    const cache = new WaitingTokenCache(config(2));
    cache.remember(waiting(1), 0);
    cache.remember(waiting(2), 0);
    cache.get(waiting(1).token);
    cache.remember(waiting(3), 0);
    expect(cache.size).toBe(2);
    expect(cache.get(waiting(2).token)).toBeUndefined();
    expect(cache.get(waiting(1).token)).toBeDefined();
    expect(cache.get(waiting(3).token)).toBeDefined();
  });
});
