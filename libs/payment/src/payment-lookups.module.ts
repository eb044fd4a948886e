import { Global, Module } from '@nestjs/common';
import { TokenPaymentLookup } from '@app/queue';
import { PaymentRepository } from './application/port/out/payment.repository';
import { TokenPayments } from './application/token-payments.service';
import { QueueTokenPaymentLookupAdapter } from './adapter/in/queue/queue-token-payment-lookup.adapter';
import { TypeOrmPaymentRepository } from './adapter/out/persistence/typeorm-payment.repository';

/**
 * Payment's answers to the queue's lookup port (TokenPaymentLookup), provided globally: the
 * queue asks without importing payment, which itself depends on the queue.
 */
@Global()
@Module({
  providers: [
    TokenPayments,
    { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
    { provide: TokenPaymentLookup, useClass: QueueTokenPaymentLookupAdapter },
  ],
  exports: [TokenPaymentLookup, PaymentRepository],
})
export class PaymentLookupsModule {}
