import { LineSnapshotService } from './line-snapshot.service';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { TokenInvalidError } from '../domain/queue-token';
import { AuthorizeQueueTokenUseCase } from './authorize-queue-token.use-case';
import { GetTokenInfoUseCase, TokenInfo } from './get-token-info.use-case';

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
  /** Answers computed at once in a refresh (each may wait on the database). */
  concurrency?: number;
}

export const TOKEN_INFO_STREAM_OPTIONS = Symbol('TOKEN_INFO_STREAM_OPTIONS');

export const DEFAULT_TOKEN_INFO_STREAM_OPTIONS: Required<
  Omit<TokenInfoStreamOptions, 'refreshMs'>
> = {
  heartbeatMs: 10_000,
  concurrency: 8,
};

interface Stream {
  token: string;
  /** What the client last saw of status, position, estimate and expiry. */
  shown: string;
  sink: TokenInfoSink;
}

/** The fields whose change is worth an event (the contract's list). */
function shownPart(info: TokenInfo): string {
  return JSON.stringify([
    info.status,
    info.position,
    info.estimatedWaitSeconds,
    info.expiresAt?.getTime() ?? null,
  ]);
}

/**
 * Every live-position stream open on this instance. One shared timer (every
 * SCHEDULER_INTERVAL_MS) recomputes each stream's answer through the same use cases as
 * `token_info`, and writes only to the streams whose answer changed; another shared timer
 * sends the keep-alive comments. No timer per connection: the cost of a stream is what its
 * token_info costs (for a waiting token, answered from the instance's line snapshot).
 *
 * `refreshAll()` is the hook for news from elsewhere (a NOTIFY after an admission): it
 * recomputes at once; calls that arrive during a refresh are folded into one more pass.
 */
@Injectable()
export class TokenInfoStreamHub implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TokenInfoStreamHub.name);
  private readonly streams = new Set<Stream>();
  private readonly heartbeatMs: number;
  private readonly refreshMs: number;
  private readonly concurrency: number;
  private refreshTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly authorize: AuthorizeQueueTokenUseCase,
    private readonly getTokenInfo: GetTokenInfoUseCase,
    config: AppConfig,
    line: LineSnapshotService,
    @Optional() @Inject(TOKEN_INFO_STREAM_OPTIONS) options?: TokenInfoStreamOptions,
  ) {
    this.heartbeatMs = options?.heartbeatMs ?? DEFAULT_TOKEN_INFO_STREAM_OPTIONS.heartbeatMs;
    this.refreshMs = options?.refreshMs ?? config.schedulerIntervalMs;
    this.concurrency = Math.max(
      1,
      options?.concurrency ?? DEFAULT_TOKEN_INFO_STREAM_OPTIONS.concurrency,
    );
    // An admission anywhere reaches every stream at once, not at the next tick.
    line.onLineMoved(() => {
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
  async current(token: unknown): Promise<TokenInfo> {
    return this.getTokenInfo.execute(await this.authorize.execute(token, 'ANY'));
  }

  /**
   * Starts a stream with its first answer (from `current`). Returns what to call when the
   * client goes away. A stream that starts EXPIRED, or during shutdown, ends after it.
   */
  open(token: string, first: TokenInfo, sink: TokenInfoSink): () => void {
    sink.send(first);
    if (first.status === 'EXPIRED' || this.closed) {
      sink.close();
      return () => undefined;
    }
    const stream: Stream = { token, shown: shownPart(first), sink };
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
    do {
      this.again = false;
      await this.refreshPass();
    } while (this.again && !this.closed && this.streams.size > 0);
  }

  private async refreshPass(): Promise<void> {
    const streams = [...this.streams];
    let next = 0;
    let failures = 0;
    let lastError: unknown;
    const worker = async () => {
      while (next < streams.length) {
        const stream = streams[next];
        next += 1;
        if (!this.streams.has(stream)) continue;
        try {
          await this.refreshOne(stream);
        } catch (error) {
          failures += 1;
          lastError = error;
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.concurrency, streams.length) }, () => worker()),
    );
    if (failures > 0) {
      // The database away, typically: the streams stay open and the next tick tries again.
      this.logger.warn(
        `live-position refresh: ${failures} of ${streams.length} failed: ${
          lastError instanceof Error ? lastError.message : String(lastError)
        }`,
      );
    }
  }

  private async refreshOne(stream: Stream): Promise<void> {
    let info: TokenInfo;
    try {
      info = await this.current(stream.token);
    } catch (error) {
      if (!(error instanceof TokenInvalidError)) throw error;
      // The token no longer exists: nothing more to tell.
      this.end(stream);
      return;
    }
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
    this.heartbeatTimer ??= setInterval(() => {
      for (const stream of this.streams) stream.sink.heartbeat();
    }, this.heartbeatMs).unref();
  }

  private stopTimers(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.refreshTimer = null;
    this.heartbeatTimer = null;
  }
}
