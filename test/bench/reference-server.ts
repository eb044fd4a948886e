import Fastify from 'fastify';
import { Pool } from 'pg';

/**
 * The benchmark's yardstick: bare Fastify answering each request with ONE indexed SELECT
 * through pg (the unique index on user_queue_tokens.token), with no framework, validation,
 * guard or logging on top. What the service scores is read as a fraction of this, measured
 * on the same machine in the same run.
 *
 * Env: DATABASE_URL, PORT, DATABASE_POOL_SIZE (the app's pool size, 20 by default).
 */
async function main(): Promise<void> {
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 20),
  });
  pool.on('error', () => undefined);
  const app = Fastify({ logger: false });
  app.get('/user_queue_tokens/token_info', async (request, reply) => {
    const token = request.headers['x-reservation-token'];
    const { rows } = await pool.query<{ status: string }>(
      'SELECT status FROM user_queue_tokens WHERE token = $1',
      [typeof token === 'string' ? token : ''],
    );
    if (rows.length === 0) return reply.code(401).send({ message: 'Token is invalid' });
    return { status: rows[0].status };
  });
  app.get('/health', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(process.env.PORT ?? 3100), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => pool.end().finally(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`reference server failed: ${String(error)}\n`);
  process.exit(1);
});
