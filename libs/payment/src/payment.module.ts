import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { PayForSeatUseCase } from './application/pay-for-seat.use-case';
import { BuyerBalanceRepository } from './application/port/out/buyer-balance.repository';
import { PayableSeatRepository } from './application/port/out/payable-seat.repository';
import { PayingTokenRepository } from './application/port/out/paying-token.repository';
import { PaymentRepository } from './application/port/out/payment.repository';
import { PaymentController } from './adapter/in/http/payment.controller';
import { TypeOrmBuyerBalanceRepository } from './adapter/out/persistence/typeorm-buyer-balance.repository';
import { TypeOrmPayableSeatRepository } from './adapter/out/persistence/typeorm-payable-seat.repository';
import { TypeOrmPayingTokenRepository } from './adapter/out/persistence/typeorm-paying-token.repository';
import { TypeOrmPaymentRepository } from './adapter/out/persistence/typeorm-payment.repository';

/** Checkout: pays for a held seat with the prepaid balance and ends the queue session. */
@Module({
  imports: [QueueModule],
  controllers: [PaymentController],
  providers: [
    PayForSeatUseCase,
    { provide: PayableSeatRepository, useClass: TypeOrmPayableSeatRepository },
    { provide: BuyerBalanceRepository, useClass: TypeOrmBuyerBalanceRepository },
    { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
    { provide: PayingTokenRepository, useClass: TypeOrmPayingTokenRepository },
  ],
  exports: [PayForSeatUseCase],
})
export class PaymentModule {}
