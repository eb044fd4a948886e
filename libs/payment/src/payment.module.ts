import { Module } from '@nestjs/common';
import { BookingModule } from '@app/booking';
import { QueueModule } from '@app/queue';
import { UserModule } from '@app/user';
import { PayForSeatUseCase } from './application/pay-for-seat.use-case';
import { CheckoutRepository } from './application/port/out/checkout.repository';
import { PayableSeatRepository } from './application/port/out/payable-seat.repository';
import { PaymentRepository } from './application/port/out/payment.repository';
import { PaymentController } from './adapter/in/http/payment.controller';
import { BookingPayableSeatAdapter } from './adapter/out/booking/booking-payable-seat.adapter';
import { TypeOrmCheckoutRepository } from './adapter/out/persistence/typeorm-checkout.repository';
import { TypeOrmPaymentRepository } from './adapter/out/persistence/typeorm-payment.repository';

/** Checkout: pays for a held seat with the prepaid balance and ends the queue session. */
@Module({
  imports: [QueueModule, UserModule, BookingModule],
  controllers: [PaymentController],
  providers: [
    PayForSeatUseCase,
    { provide: CheckoutRepository, useClass: TypeOrmCheckoutRepository },
    { provide: PayableSeatRepository, useClass: BookingPayableSeatAdapter },
    { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
  ],
  exports: [PayForSeatUseCase],
})
export class PaymentModule {}
