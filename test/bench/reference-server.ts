import Fastify from 'fastify';
import { Pool } from 'pg';

/**
 * The benchmark's yardstick: bare Fastify answering each request with ONE statement through
 * pg, with no framework, validation, guard or logging on top. What the service scores is read
 * as a fraction of this, measured on the same machine in the same run:
 * - `GET /user_queue_tokens/token_info`: one indexed SELECT by token (the unique index);
 * - `POST /user_queue_tokens`: one INSERT of an IN_QUEUE token for the body's user_id;
 * - `POST /reference/update/:id`: one single-row UPDATE (its own transaction, committed) of
 *   seat :id, the yardstick for booking and payment.
 *
 * Env: DATABASE_URL, PORT, DATABASE_POOL_SIZE (the app's pool size, 20 by default).
 */
async function main(): Promise<void> {
  const size = Number(process.env.DATABASE_POOL_SIZE ?? 20);
  // Fixed-size, as the app's pool: connections stay open (and their backends warm) when idle.
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: size, min: size });
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
  app.post<{ Body: { user_id?: string } }>('/user_queue_tokens', async (request, reply) => {
    const { rows } = await pool.query<{ token: string }>(
      `INSERT INTO user_queue_tokens (user_id, token, status, created_at, last_seen_at)
       VALUES ($1::uuid, md5($1::text || random()::text || clock_timestamp()::text),
               'IN_QUEUE', now(), now())
       RETURNING token`,
      [String(request.body?.user_id ?? '')],
    );
    return reply.code(201).send({ token: rows[0].token, status: 'IN_QUEUE' });
  });
  app.post<{ Params: { id: string } }>('/reference/update/:id', async (request, reply) => {
    const { rowCount } = await pool.query(
      'UPDATE performance_seats SET price = price WHERE id = $1',
      [Number(request.params.id)],
    );
    if (rowCount !== 1) return reply.code(404).send({ message: 'Performance seat not found' });
    return { updated: rowCount };
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
