import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TransactionRunner } from '@app/common/application/transaction-runner';

/**
 * The TransactionRunner port on @nestjs-cls/transactional: repositories that read
 * `TransactionHost.tx` inside `run` share one database transaction.
 */
@Injectable()
export class ClsTransactionRunner extends TransactionRunner {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.txHost.withTransaction(work);
  }
}
