import { AppProcess, startAppProcess } from '../support/app-process';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';

/**
 * The protection settings through the real entry point (main.ts) and real sockets: the rate
 * limit keyed on X-Forwarded-For with TRUST_PROXY=true, its 429, and CORS headers.
 */
describe('rate limit and CORS in a real process, behind a proxy', () => {
  let databaseUrl: string;
  let app: AppProcess;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    app = await startAppProcess({
      databaseUrl,
      name: 'protected',
      env: {
        RATE_LIMIT_PER_SECOND: '1',
        RATE_LIMIT_BURST: '3',
        TRUST_PROXY: 'true',
        CORS_ORIGINS: 'http://localhost:5173',
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await dropTestDatabase(databaseUrl);
  });

  const get = (client: string) =>
    fetch(`${app.url}/concerts`, {
      headers: { 'x-forwarded-for': client, origin: 'http://localhost:5173' },
    });

  it('limits each X-Forwarded-For client on its own, with a 429 a browser can read', async () => {
    // All at once: the burst of 3 passes (no token: 401), the rest is refused. A token comes
    // back per second, so a very slow machine may let a fourth one through, not more.
    const first = await Promise.all(Array.from({ length: 8 }, () => get('203.0.113.50')));
    const passed = first.filter((response) => response.status === 401).length;
    expect(passed).toBeGreaterThanOrEqual(3);
    expect(passed).toBeLessThanOrEqual(4);
    expect(first.filter((response) => response.status === 429)).toHaveLength(8 - passed);
    const limited = first.find((response) => response.status === 429)!;
    expect(await limited.json()).toEqual({ message: 'Too many requests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(limited.headers.get('x-request-id')).toBeTruthy();

    // Another client behind the same proxy (same socket address) is not affected.
    expect((await get('203.0.113.51')).status).toBe(401);
    // The health probe never is.
    for (let index = 0; index < 5; index += 1) {
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
    }
    expect(app.errors()).toEqual([]);
  });
});
