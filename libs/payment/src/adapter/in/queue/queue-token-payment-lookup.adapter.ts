import { Injectable } from '@nestjs/common';
import { TokenPaymentLookup } from '@app/queue';
import { TokenPayments } from '../../../application/token-payments.service';

/** Answers the queue's question (its TokenPaymentLookup port) from payment's own table. */
@Injectable()
export class QueueTokenPaymentLookupAdapter extends TokenPaymentLookup {
  constructor(private readonly payments: TokenPayments) {
    super();
  }

  hasPayment(token: string): Promise<boolean> {
    return this.payments.hasPaid(token);
  }
}
