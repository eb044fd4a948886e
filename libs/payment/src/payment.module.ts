import { Module } from '@nestjs/common';
import { BookingModule } from '@app/booking';
import { QueueModule } from '@app/queue';
import { UserModule } from '@app/user';
import { PaymentLookupsModule } from './payment-lookups.module';
import { UserBuyerBalanceAdapter } from './adapter/out/user/user-buyer-balance.adapter';
import { PayForSeatUseCase } from './application/pay-for-seat.use-case';
import { BuyerBalanceRepository } from './application/port/out/buyer-balance.repository';
import { PayableSeatRepository } from './application/port/out/payable-seat.repository';
import { PayingTokenRepository } from './application/port/out/paying-token.repository';
import { PaymentController } from './adapter/in/http/payment.controller';
import { BookingPayableSeatAdapter } from './adapter/out/booking/booking-payable-seat.adapter';
import { QueuePayingTokenAdapter } from './adapter/out/queue/queue-paying-token.adapter';

/** Checkout: pays for a held seat with the prepaid balance and ends the queue session. */
@Module({
  imports: [QueueModule, UserModule, BookingModule, PaymentLookupsModule],
  controllers: [PaymentController],
  providers: [
    PayForSeatUseCase,
    { provide: PayableSeatRepository, useClass: BookingPayableSeatAdapter },
    { provide: BuyerBalanceRepository, useClass: UserBuyerBalanceAdapter },
    { provide: PayingTokenRepository, useClass: QueuePayingTokenAdapter },
  ],
  exports: [PayForSeatUseCase],
})
export class PaymentModule {}
