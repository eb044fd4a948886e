import { createServer, Server } from 'node:net';
import { isPortClash, onFreePort } from './app-process';

describe('onFreePort', () => {
  it('tries another port when the probed one was taken before the start bound it', async () => {
    const tried: number[] = [];
    const blockers: Server[] = [];
    try {
      const port = await onFreePort(async (candidate) => {
        tried.push(candidate);
        if (tried.length === 1) {
          // Someone else binds it first: the start then fails as a real server would.
          const blocker = createServer();
          blockers.push(blocker);
          await new Promise<void>((resolve) => blocker.listen(candidate, '127.0.0.1', resolve));
          const server = createServer();
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(candidate, '127.0.0.1', resolve);
          });
        }
        return candidate;
      });
      expect(tried).toHaveLength(2);
      expect(port).toBe(tried[1]);
    } finally {
      blockers.forEach((blocker) => blocker.close());
    }
  });

  it('lets any other failure through at once', async () => {
    let calls = 0;
    await expect(
      onFreePort(async () => {
        calls += 1;
        throw new Error('bad configuration');
      }),
    ).rejects.toThrow('bad configuration');
    expect(calls).toBe(1);
  });

  it("recognises Node's, PostgreSQL's and nginx's words for a taken port, on that port only", () => {
    expect(
      isPortClash(new Error('listen EADDRINUSE: address already in use 0.0.0.0:4321'), 4321),
    ).toBe(true);
    expect(
      isPortClash(
        new Error('could not bind IPv4 address "127.0.0.1": Address already in use ... port 4321?'),
        4321,
      ),
    ).toBe(true);
    expect(
      isPortClash(new Error('bind() to 127.0.0.1:4321 failed (98: Address already in use)'), 4321),
    ).toBe(true);
    expect(
      isPortClash(new Error('listen EADDRINUSE: address already in use 0.0.0.0:4321'), 5432),
    ).toBe(false);
    expect(isPortClash(new Error('connection refused 4321'), 4321)).toBe(false);
  });
});
