import { Clock } from '@app/common/domain/clock';

/** A clock the test moves by hand. Starts at the real time, so database defaults agree. */
export class FakeClock extends Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }

  set(at: Date): void {
    this.current = at.getTime();
  }
}
