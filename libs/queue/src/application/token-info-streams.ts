import { LineSnapshotService } from './line-snapshot.service';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { Clock } from '@app/common/domain/clock';
import { QueueToken } from '../domain/queue-token';
import { isStillWaiting, lineKeyOf, LineSnapshot, needsSignOfLife } from '../domain/waiting-line';
import { AuthorizeQueueTokenUseCase } from './authorize-queue-token.use-case';
import { GetTokenInfoUseCase, TokenInfo } from './get-token-info.use-case';
import { QueueTokenRepository } from './port/out/queue-token.repository';
import { WaitingTokenCache } from './waiting-token-cache';

/** Where the answers of a live-position stream go (the SSE connection, in the HTTP adapter). */
export interface TokenInfoSink {
  /** A new answer: the first one, then each one that differs from the last one sent. */
  send(info: TokenInfo): void;
  /** Nothing changed for a while: a sign that the connection is alive (for proxies). */
  heartbeat(): void;
  /** The stream is over: EXPIRED was sent, the token is gone, or the app is stopping. */
  close(): void;
}

export interface TokenInfoStreamOptions {
  /** Period of the keep-alive comment; the contract wants one at least every 15 s. */
  heartbeatMs: number;
  /** Period of the shared refresh; default SCHEDULER_INTERVAL_MS (one per admission tick). */
  refreshMs?: number;
  /** Tokens read per statement when the streams whose token left the line are read. */
  batchSize?: number;
}

export const TOKEN_INFO_STREAM_OPTIONS = Symbol('TOKEN_INFO_STREAM_OPTIONS');

export const DEFAULT_TOKEN_INFO_STREAM_OPTIONS: Required<
  Omit<TokenInfoStreamOptions, 'refreshMs'>
> = {
  heartbeatMs: 10_000,
  batchSize: 5_000,
};

/** Streams answered between two yields to the event loop in a refresh pass. */
const YIELD_EVERY = 500;

/** A stream's first answer and the token's facts it came from (see `TokenInfoStreamHub.current`). */
export interface StreamStart {
  info: TokenInfo;
  token: QueueToken;
  /** The line generation before the token was read (a pre-queued token's answer holds while it stays). */
  generation: number;
}

interface Stream {
  /** The token's facts as last read: enough to answer it from the snapshot while it waits. */
  token: QueueToken;
  generation: number;
  /** What the client last saw of status, position, estimate and expiry. */
  shown: string;
  sink: TokenInfoSink;
}

/** The fields whose change is worth an event (the contract's list). */
function shownPart(info: TokenInfo): string {
  return `${info.status}|${info.position}|${info.estimatedWaitSeconds}|${
    info.expiresAt?.getTime() ?? ''
  }`;
}

/**
 * Every live-position stream open on this instance, refreshed all together: once per
 * SCHEDULER_INTERVAL_MS (one shared timer) and at once when any instance announces that the
 * line moved (after the line snapshot was read afresh). A refresh pass:
 * - answers every stream whose token is still waiting from the snapshot alone, synchronously
 *   (no query, no promise per stream), with one batched write for the waiters that owe their
 *   sign of life near the head;
 * - reads the tokens of all other streams (admitted since, active, or a key the snapshot
 *   cannot place) in one statement per `batchSize` tokens, and the seat holds of those whose
 *   answer changed in one more: the database work of a pass does not grow with the streams;
 * - writes only to the streams whose answer changed; another shared timer sends the
 *   keep-alive comments. No timer and no query per connection.
 * Calls that arrive during a pass are folded into one more pass. A large pass yields to the
 * event loop every YIELD_EVERY streams (so that the news and the reads it waits for are not
 * held up behind thousands of writes), and stops early when the line moved again meanwhile:
 * the next pass starts at once from the newer snapshot and runs to its end.
 */
@Injectable()
export class TokenInfoStreamHub implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenInfoStreamHub.name);
  private readonly streams = new Set<Stream>();
  private readonly heartbeatMs: number;
  private readonly refreshMs: number;
  private readonly batchSize: number;
  private readonly abandonAfterSeconds: number;
  private refreshTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;
  /** Counts the line's moves heard (each with the snapshot already read afresh). */
  private news = 0;
  private closed = false;

  constructor(
    private readonly authorize: AuthorizeQueueTokenUseCase,
    private readonly getTokenInfo: GetTokenInfoUseCase,
    private readonly tokens: QueueTokenRepository,
    private readonly cache: WaitingTokenCache,
    private readonly line: LineSnapshotService,
    private readonly clock: Clock,
    config: AppConfig,
    @Optional() @Inject(TOKEN_INFO_STREAM_OPTIONS) options?: TokenInfoStreamOptions,
  ) {
    this.heartbeatMs = options?.heartbeatMs ?? DEFAULT_TOKEN_INFO_STREAM_OPTIONS.heartbeatMs;
    this.refreshMs = options?.refreshMs ?? config.schedulerIntervalMs;
    this.abandonAfterSeconds = config.queueAbandonAfterSeconds;
    this.batchSize = Math.max(1, options?.batchSize ?? DEFAULT_TOKEN_INFO_STREAM_OPTIONS.batchSize);
    // An admission anywhere reaches every stream at once, not at the next tick.
    line.onLineMoved(() => {
      this.news += 1;
      if (this.streams.size > 0) void this.refreshAll();
    });
  }

  /** Streams open on this instance. */
  get size(): number {
    return this.streams.size;
  }

  /**
   * What `token_info` answers for this token now: any known token, whatever its status;
   * TokenInvalidError for a malformed or unknown one.
   */
  async current(token: unknown): Promise<StreamStart> {
    const { generation } = await this.line.current();
    const facts = await this.authorize.execute(token, 'ANY');
    return { info: await this.getTokenInfo.execute(facts), token: facts, generation };
  }

  /**
   * Starts a stream with its first answer (from `current`). Returns what to call when the
   * client goes away. A stream that starts EXPIRED, or during shutdown, ends after it.
   */
  open(start: StreamStart, sink: TokenInfoSink): () => void {
    sink.send(start.info);
    if (start.info.status === 'EXPIRED' || this.closed) {
      sink.close();
      return () => undefined;
    }
    const stream: Stream = {
      token: start.token,
      generation: start.generation,
      shown: shownPart(start.info),
      sink,
    };
    this.streams.add(stream);
    this.startTimers();
    return () => this.forget(stream);
  }

  /** Recomputes every stream's answer now and sends the ones that changed. */
  refreshAll(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.refreshUntilSettled().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Ends every stream, so that the HTTP server's drain does not wait on them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.stopTimers();
    for (const stream of this.streams) stream.sink.close();
    this.streams.clear();
    await this.refreshing;
  }

  private async refreshUntilSettled(): Promise<void> {
    let stopped = false;
    do {
      this.again = false;
      try {
        // A pass stopped for newer news is followed by one that runs to its end, so that
        // news arriving faster than a pass takes never starves the streams it did not reach.
        stopped = !(await this.refreshPass(!stopped));
        if (stopped) this.again = true;
      } catch (error) {
        stopped = false;
        // The database away, typically: the streams stay open and the next tick tries again.
        this.logger.warn(
          `live-position refresh of ${this.streams.size} streams failed: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    } while (this.again && !this.closed && this.streams.size > 0);
  }

  /**
   * One pass over every stream; false when it stopped early because the line moved again
   * meanwhile (`mayStop`): the rest would only get answers already out of date.
   */
  private async refreshPass(mayStop: boolean): Promise<boolean> {
    const news = this.news;
    const snapshot = await this.line.current();
    const now = this.clock.now();
    const toRead: Stream[] = [];
    const waiting: Stream[] = [];
    for (const stream of this.streams) {
      if (this.answersFromSnapshot(stream, snapshot)) waiting.push(stream);
      else toRead.push(stream);
    }
    // The streams whose token left the line (the admitted ones, typically) first: their read
    // goes out at once and they are answered as soon as it is back, while the waiting ones are
    // answered from the snapshot meanwhile.
    const answering = this.readTokens(toRead).then((rows) =>
      this.answerRead(toRead, rows, snapshot, now),
    );
    answering.catch(() => undefined);
    const owing: Stream[] = [];
    let finished = true;
    for (let i = 0; i < waiting.length; i += 1) {
      if (i > 0 && i % YIELD_EVERY === 0) {
        // Lets I/O in between (the read above, a NOTIFY, new connections) on a large pass.
        await new Promise((resolve) => setImmediate(resolve));
        if (mayStop && this.news !== news) {
          finished = false;
          break;
        }
      }
      const stream = waiting[i];
      const { token } = stream;
      const lineKey = lineKeyOf(token, snapshot.opening);
      if (lineKey === null) {
        this.show(stream, this.getTokenInfo.prequeued(token, snapshot));
        continue;
      }
      const facts = { lineKey, createdAt: token.createdAt, lastSeenAt: token.lastSeenAt };
      // An open stream is a live client: near the head it shows its sign of life, once.
      if (needsSignOfLife(facts, snapshot.zone, now, this.abandonAfterSeconds)) owing.push(stream);
      this.show(stream, this.getTokenInfo.waitingIn(token, lineKey, snapshot, snapshot, now));
    }
    const writing = this.writeSignsOfLife(owing, snapshot, now);
    writing.catch(() => undefined);
    await answering;
    await writing;
    return finished;
  }

  /** One write for every waiter that owes its sign of life; remembered once written. */
  private async writeSignsOfLife(
    owing: Stream[],
    snapshot: LineSnapshot,
    now: Date,
  ): Promise<void> {
    if (owing.length === 0) return;
    await this.tokens.signsOfLife(
      owing.map(({ token }) => ({ id: token.id, since: token.lastSeenAt })),
      now,
    );
    for (const stream of owing) {
      if (stream.token.status !== 'IN_QUEUE') continue;
      stream.token = { ...stream.token, lastSeenAt: now };
      this.cache.remember(stream.token, snapshot.generation);
    }
  }

  /** Whether the snapshot alone answers this stream: its token waits, and still in line. */
  private answersFromSnapshot(stream: Stream, snapshot: LineSnapshot): boolean {
    const { token } = stream;
    if (token.status !== 'IN_QUEUE') return false;
    const lineKey = lineKeyOf(token, snapshot.opening);
    if (lineKey === null) return stream.generation === snapshot.generation;
    return isStillWaiting(lineKey, snapshot);
  }

  /** The tokens of these streams, in one statement per `batchSize` of them. */
  private async readTokens(streams: Stream[]): Promise<Map<string, QueueToken>> {
    const found = new Map<string, QueueToken>();
    const tokens = [...new Set(streams.map((stream) => stream.token.token))];
    for (let from = 0; from < tokens.length; from += this.batchSize) {
      const rows = await this.tokens.findManyByToken(tokens.slice(from, from + this.batchSize));
      for (const row of rows) found.set(row.token, row);
    }
    return found;
  }

  /**
   * The streams whose token was read afresh: a token still waiting is answered from the
   * snapshot when it can place it (else by the use case, exactly); any other from its row,
   * with the seat holds of those whose answer changed read in one statement.
   */
  private async answerRead(
    streams: Stream[],
    rows: Map<string, QueueToken>,
    snapshot: LineSnapshot,
    now: Date,
  ): Promise<void> {
    const changed: { stream: Stream; token: QueueToken }[] = [];
    for (const stream of streams) {
      if (!this.streams.has(stream)) continue;
      const token = rows.get(stream.token.token);
      if (!token) {
        // The token no longer exists: nothing more to tell.
        this.end(stream);
        continue;
      }
      stream.token = token;
      stream.generation = snapshot.generation;
      if (token.status === 'IN_QUEUE') {
        this.cache.remember(token, snapshot.generation);
        const lineKey = lineKeyOf(token, snapshot.opening);
        if (lineKey !== null && isStillWaiting(lineKey, snapshot)) {
          this.show(stream, this.getTokenInfo.waitingIn(token, lineKey, snapshot, snapshot, now));
        } else {
          // Rare: a key the snapshot cannot place (it joined an empty line since), or a
          // pre-queued token after a placement. The use case answers it exactly.
          this.show(stream, await this.getTokenInfo.execute(token));
        }
        continue;
      }
      // Left the line: only status and expiry can change, and they come from the row.
      const info = this.getTokenInfo.leftLine(token, null, now);
      if (shownPart(info) !== stream.shown) changed.push({ stream, token });
    }
    if (changed.length === 0) return;
    const holds = await this.tokens.findSeatHolds(changed.map(({ token }) => token.token));
    for (const { stream, token } of changed) {
      if (!this.streams.has(stream)) continue;
      this.show(stream, this.getTokenInfo.leftLine(token, holds.get(token.token) ?? null, now));
    }
  }

  /** Sends the answer if the client has not seen it; ends the stream after EXPIRED. */
  private show(stream: Stream, info: TokenInfo): void {
    // The client left (or the app began to stop) while the answer was computed.
    if (!this.streams.has(stream)) return;
    const shown = shownPart(info);
    if (shown === stream.shown) return;
    stream.shown = shown;
    stream.sink.send(info);
    if (info.status === 'EXPIRED') this.end(stream);
  }

  private end(stream: Stream): void {
    this.forget(stream);
    stream.sink.close();
  }

  private forget(stream: Stream): void {
    this.streams.delete(stream);
    if (this.streams.size === 0) this.stopTimers();
  }

  private startTimers(): void {
    if (this.closed) return;
    // unref: open streams alone never keep the process alive.
    this.refreshTimer ??= setInterval(() => void this.refreshAll(), this.refreshMs).unref();
    this.heartbeatTimer ??= setInterval(() => void this.heartbeatAll(), this.heartbeatMs).unref();
  }

  /** The keep-alive comment to every stream, yielding like a refresh pass does. */
  private async heartbeatAll(): Promise<void> {
    const streams = [...this.streams];
    for (let i = 0; i < streams.length; i += 1) {
      if (i > 0 && i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.streams.has(streams[i])) streams[i].sink.heartbeat();
    }
  }

  private stopTimers(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.refreshTimer = null;
    this.heartbeatTimer = null;
  }
}
