import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Client } from 'pg';
import { AppConfig } from '@app/common/config/app-config';
import { queryRows } from '@app/common/adapter/persistence/query-rows';
import { LineChanges } from '../../../application/port/out/line-changes';

/** The PostgreSQL channel the instances announce line moves on. */
export const LINE_CHANNEL = 'queue_line';
const RECONNECT_MS = 1000;

/**
 * LineChanges over PostgreSQL LISTEN/NOTIFY: `announce` is a NOTIFY inside the caller's
 * transaction (delivered at commit, dropped on rollback); every instance keeps one connection
 * LISTENing, re-established after the database comes back. A lost notification only delays
 * the news to the next tick, when every snapshot is re-read anyway.
 */
@Injectable()
export class PgLineChanges extends LineChanges implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PgLineChanges.name);
  private readonly listeners: (() => void)[] = [];
  private client: Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private warned = false;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async announce(): Promise<void> {
    await queryRows(this.txHost.tx, 'SELECT pg_notify($1, $2)', [LINE_CHANNEL, '']);
  }

  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'concert-ticketing-listener',
    });
    client.on('notification', () => {
      for (const listener of this.listeners) listener();
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${LINE_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      if (this.warned) this.logger.log('listening for line changes again');
      this.warned = false;
      // Whatever was announced while we were away: treat it as a change.
      for (const listener of this.listeners) listener();
    } catch (error) {
      client.end().catch(() => undefined);
      if (!this.warned) {
        this.logger.warn(`cannot listen for line changes: ${(error as Error).message}; retrying`);
        this.warned = true;
      }
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_MS);
    this.retry.unref();
  }
}
