import { Money } from '@app/common/domain/money';
import { FakeClock } from '@test/support/fake-clock';
import { cloneState, InMemoryPayment } from '@test/support/fakes/in-memory-payment';
import {
  PerformanceSeatNotFoundError,
  PerformanceStartedError,
  SeatAlreadyBookedError,
  SeatHeldByOtherError,
} from '@app/booking/domain';
import { TokenInvalidError, TokenStillInQueueError } from '@app/queue/domain';
import {
  InsufficientBalanceError,
  QueueExpiredError,
  SeatNotHeldByTokenError,
} from '../domain/payment-errors';
import { PayableSeat, Payer } from '../domain/seat-payment';
import { PayForSeatUseCase } from './pay-for-seat.use-case';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const SEAT = 10;
const PRICE = Money.parse('120.50');
const alice: Payer = { tokenId: 1, token: 'a'.repeat(32), userId: 'alice' };
const bob: Payer = { tokenId: 2, token: 'b'.repeat(32), userId: 'bob' };

describe('PayForSeatUseCase', () => {
  let world: InMemoryPayment;
  let clock: FakeClock;
  let pay: PayForSeatUseCase;

  function addSeat(id: number, hold: Partial<PayableSeat['hold']> = {}, booked = false): void {
    world.state.seats.set(id, {
      id,
      performanceId: 3,
      seatNumber: id + 100,
      price: PRICE,
      booked,
      performanceDatetime: later(86_400),
      hold: { token: null, userId: null, expiresAt: null, bookSuccessAt: null, ...hold },
    });
  }

  function holdFor(payer: Payer, expiresAt = later(300)): Partial<PayableSeat['hold']> {
    world.state.logs.push({ token: payer.token, seatId: SEAT, result: 'HELD' });
    return { token: payer.token, userId: payer.userId, expiresAt };
  }

  /** Everything a refused payment must leave as it was. */
  function snapshot() {
    return cloneState(world.state);
  }

  beforeEach(() => {
    world = new InMemoryPayment();
    clock = new FakeClock(NOW);
    pay = new PayForSeatUseCase(clock, world.checkout, world.seats, world.payments);
    world.state.balances.set('alice', Money.parse('500'));
    world.state.balances.set('bob', Money.parse('500'));
    for (const payer of [alice, bob]) {
      world.state.tokens.set(payer.tokenId, {
        token: payer.token,
        userId: payer.userId,
        status: 'IN_PROGRESS',
        expiresAt: later(600),
        expiredAt: null,
      });
    }
  });

  it.each([
    ['unknown', null, TokenInvalidError],
    ['still in queue', 'IN_QUEUE', TokenStillInQueueError],
    ['EXPIRED without a payment', 'EXPIRED', TokenInvalidError],
    ['IN_PROGRESS past its TTL', 'OVERDUE', TokenInvalidError],
  ] as const)(
    'answers a token %s as the guard would, before the seat, and writes nothing',
    async (_what, status, error) => {
      addSeat(SEAT, holdFor(alice));
      const token = 'c'.repeat(32);
      if (status) {
        world.state.tokens.set(3, {
          token,
          userId: 'alice',
          status: status === 'OVERDUE' ? 'IN_PROGRESS' : status,
          expiresAt: status === 'IN_QUEUE' ? null : status === 'OVERDUE' ? NOW : later(60),
          expiredAt: null,
        });
      }
      const before = snapshot();
      for (const seat of [SEAT, 999]) {
        await expect(pay.execute(seat, token)).rejects.toBeInstanceOf(error);
      }
      expect(world.state).toEqual(before);
      expect(world.calls).toEqual(['checkout.attempt', 'checkout.attempt']);
    },
  );

  describe('with a live hold of this token', () => {
    beforeEach(() => addSeat(SEAT, holdFor(alice)));

    it('debits the price, records payment and ledger, sells the seat and expires the token', async () => {
      const result = await pay.execute(SEAT, alice.token);

      expect(result).toEqual({
        id: SEAT,
        concertPerformanceId: 3,
        seatNumber: 110,
        userId: 'alice',
      });
      expect(world.state.balances.get('alice')).toEqual(Money.parse('379.50'));
      expect(world.state.payments).toEqual([
        { id: 1, userId: 'alice', seatId: SEAT, token: alice.token, amount: PRICE, paidAt: NOW },
      ]);
      expect(world.state.ledger).toEqual([
        { userId: 'alice', amount: PRICE.negate(), paymentId: 1, at: NOW },
      ]);
      const seat = world.state.seats.get(SEAT)!;
      expect(seat.booked).toBe(true);
      expect(seat.hold.bookSuccessAt).toEqual(NOW);
      expect(world.state.owners.get(SEAT)).toBe('alice');
      expect(world.state.tokens.get(1)).toEqual({
        token: alice.token,
        userId: 'alice',
        status: 'EXPIRED',
        expiresAt: later(600),
        expiredAt: NOW,
      });
    });

    it('pays in one checkout statement and reads nothing more', async () => {
      await pay.execute(SEAT, alice.token);
      expect(world.calls).toEqual(['checkout.attempt']);
    });

    it('reads the payment again when the token is no longer active: its own, committed meanwhile', async () => {
      // As the statement sees it after waiting for the seat's lock: sold to this token, which
      // the payment expired; the payment row and the token's expiry are younger than the
      // statement's snapshot (its first read of the token still saw it active).
      const first = await pay.execute(SEAT, alice.token);
      const { checkout } = world;
      const attempt = checkout.attempt.bind(checkout);
      checkout.attempt = async (...args) => ({
        ...(await attempt(...args)),
        payer: { tokenId: 1, userId: 'alice', status: 'IN_PROGRESS', expiresAt: later(600) },
        earlier: null,
      });
      world.calls.length = 0;
      await expect(pay.execute(SEAT, alice.token)).resolves.toEqual(first);
      expect(world.calls).toEqual(['checkout.attempt', 'payments.findByToken']);
    });

    it('is idempotent: a retry with the now expired token answers the same and charges nothing', async () => {
      const first = await pay.execute(SEAT, alice.token);
      const after = snapshot();
      clock.set(later(10));

      const retry = await pay.execute(SEAT, alice.token);

      expect(retry).toEqual(first);
      expect(world.state).toEqual(after);
    });

    it('pays one millisecond before the hold lapses', async () => {
      clock.set(new Date(later(300).getTime() - 1));
      await expect(pay.execute(SEAT, alice.token)).resolves.toMatchObject({ userId: 'alice' });
    });

    it('answers Queue expired at the very instant the hold lapses, charging nothing', async () => {
      clock.set(later(300));
      const before = snapshot();
      await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(QueueExpiredError);
      expect(world.state).toEqual(before);
    });

    it('answers Insufficient balance and changes nothing, leaving the hold in place', async () => {
      world.state.balances.set('alice', Money.parse('120.49'));
      const before = snapshot();
      await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(InsufficientBalanceError);
      expect(world.state).toEqual(before);
      expect(world.state.seats.get(SEAT)!.hold.token).toBe(alice.token);
    });

    it('spends a balance of exactly the price down to zero', async () => {
      world.state.balances.set('alice', PRICE);
      await pay.execute(SEAT, alice.token);
      expect(world.state.balances.get('alice')).toEqual(Money.ZERO);
    });

    it('answers Performance has already started once the performance began, changing nothing', async () => {
      world.state.seats.get(SEAT)!.performanceDatetime = later(60);
      clock.set(later(60));
      const before = snapshot();
      await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(PerformanceStartedError);
      expect(world.state).toEqual(before);
    });

    it('answers the retry of a payment made before the start after it with the same answer', async () => {
      world.state.seats.get(SEAT)!.performanceDatetime = later(60);
      const first = await pay.execute(SEAT, alice.token);
      clock.set(later(61));
      await expect(pay.execute(SEAT, alice.token)).resolves.toEqual(first);
    });

    it('rolls everything back when the token stopped being active meanwhile', async () => {
      world.state.tokens.get(1)!.expiresAt = NOW;
      const before = snapshot();
      await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(TokenInvalidError);
      expect(world.state).toEqual(before);
    });

    it('rolls the debit back when the unique constraints refuse the payment', async () => {
      // A payment for the seat that the seat lock did not see (the backstop's case).
      world.state.payments.push({
        id: 99,
        userId: 'carol',
        seatId: SEAT,
        token: 'c'.repeat(32),
        amount: PRICE,
        paidAt: NOW,
      });
      const before = snapshot();
      await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(SeatAlreadyBookedError);
      expect(world.state).toEqual(before);
    });
  });

  it('answers Token is invalid, before locking anything, when the token paid for another seat', async () => {
    addSeat(SEAT, holdFor(alice));
    addSeat(11);
    await pay.execute(SEAT, alice.token);
    const after = snapshot();
    world.calls.length = 0;
    await expect(pay.execute(11, alice.token)).rejects.toBeInstanceOf(TokenInvalidError);
    await expect(pay.execute(999, alice.token)).rejects.toBeInstanceOf(TokenInvalidError);
    expect(world.state).toEqual(after);
    expect(world.calls).toEqual(['checkout.attempt', 'checkout.attempt']);
  });

  it('answers Performance seat not found for an unknown seat', async () => {
    await expect(pay.execute(999, alice.token)).rejects.toBeInstanceOf(
      PerformanceSeatNotFoundError,
    );
    expect(world.calls).toEqual(['checkout.attempt']);
  });

  it('answers Seat is already booked when someone else paid for it', async () => {
    addSeat(SEAT, { ...holdFor(bob), bookSuccessAt: NOW }, true);
    const before = snapshot();
    await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(SeatAlreadyBookedError);
    expect(world.state).toEqual(before);
  });

  it('answers Seat is already booked even to the token that held it before the sale', async () => {
    world.state.logs.push({ token: alice.token, seatId: SEAT, result: 'HELD' });
    addSeat(SEAT, { ...holdFor(bob), bookSuccessAt: NOW }, true);
    await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(SeatAlreadyBookedError);
  });

  it('answers Other user is booking the seat while another token holds it, live', async () => {
    addSeat(SEAT, holdFor(bob));
    const before = snapshot();
    await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(SeatHeldByOtherError);
    expect(world.state).toEqual(before);
  });

  it("answers Seat is not held by this token on another token's lapsed hold", async () => {
    addSeat(SEAT, holdFor(bob, later(-1)));
    await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(SeatNotHeldByTokenError);
  });

  it('answers Seat is not held by this token on a free seat it never held', async () => {
    addSeat(SEAT);
    await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(SeatNotHeldByTokenError);
  });

  it.each(['HELD', 'ALREADY_HELD'])(
    'answers Queue expired once a hold logged %s was released',
    async (result) => {
      addSeat(SEAT);
      world.state.logs.push({ token: alice.token, seatId: SEAT, result });
      const before = snapshot();
      await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(QueueExpiredError);
      expect(world.state).toEqual(before);
    },
  );

  it('answers Queue expired when the released seat was taken over by a lapsed hold of another', async () => {
    world.state.logs.push({ token: alice.token, seatId: SEAT, result: 'HELD' });
    addSeat(SEAT, holdFor(bob, later(-1)));
    await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(QueueExpiredError);
  });

  it('does not count a lost booking attempt as a hold', async () => {
    addSeat(SEAT);
    world.state.logs.push({ token: alice.token, seatId: SEAT, result: 'SEAT_HELD_BY_OTHER' });
    await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(SeatNotHeldByTokenError);
  });

  it("does not count another seat's hold", async () => {
    addSeat(SEAT);
    world.state.logs.push({ token: alice.token, seatId: 11, result: 'HELD' });
    await expect(pay.execute(SEAT, alice.token)).rejects.toBeInstanceOf(SeatNotHeldByTokenError);
  });
});
