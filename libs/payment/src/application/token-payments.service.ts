import { Injectable } from '@nestjs/common';
import { PaymentRepository } from './port/out/payment.repository';

/** What payment tells the queue about a token (whether it has paid, for a payment's retry). */
@Injectable()
export class TokenPayments {
  constructor(private readonly payments: PaymentRepository) {}

  async hasPaid(token: string): Promise<boolean> {
    return (await this.payments.findByToken(token)) !== null;
  }
}
