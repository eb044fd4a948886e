import { createHmac } from 'node:crypto';

/** Feistel rounds: 4 make a strong pseudorandom permutation (Luby-Rackoff); 6 leave a margin. */
export const FEISTEL_ROUNDS = 6;

/** The largest size: its halves stay exact in doubles and in 32-bit XOR. */
export const MAX_PERMUTATION_SIZE = 2 ** 52;

/** Bytes of the secret key drawn from a CSPRNG at the opening. */
export const PERMUTATION_KEY_BYTES = 32;

/** Places memoised per permutation for the polls (cleared when full). */
const MEMO_SIZE = 100_000;

/**
 * A keyed pseudorandom permutation of [0, size): format-preserving encryption of an arrival
 * number into a place. A balanced Feistel network on the smallest domain of 2^(2h) ≥ size
 * (h ≥ 1), with HMAC-SHA-256(key, round ‖ h ‖ half) truncated to h bits as round function, and
 * cycle-walking (re-applied until the result falls below size, which ends because the network
 * permutes the whole domain and the start was below size). With a secret key drawn from a
 * CSPRNG the order cannot be told from a uniformly random permutation; it owes nothing to the
 * arrival order. Pure: the same key and size always give the same order.
 */
export class PrequeuePermutation {
  private readonly halfBits: number;
  private readonly halfSize: number;
  private readonly mask: number;
  private readonly message = Buffer.alloc(6);
  private readonly memo = new Map<number, number>();

  constructor(
    private readonly key: Buffer,
    readonly size: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 0 || size > MAX_PERMUTATION_SIZE) {
      throw new RangeError(`permutation size out of range: ${size}`);
    }
    let halfBits = 1;
    while (2 ** (2 * halfBits) < size) halfBits += 1;
    this.halfBits = halfBits;
    this.halfSize = 2 ** halfBits;
    this.mask = this.halfSize - 1;
  }

  /** The place of item `index` (0-based arrival within the range). */
  forward(index: number): number {
    this.check(index);
    const known = this.memo.get(index);
    if (known !== undefined) return known;
    let x = this.encrypt(index);
    while (x >= this.size) x = this.encrypt(x);
    if (this.memo.size >= MEMO_SIZE) this.memo.clear();
    this.memo.set(index, x);
    return x;
  }

  /** The item at `place`: forward(inverse(place)) = place. */
  inverse(place: number): number {
    this.check(place);
    let x = this.decrypt(place);
    while (x >= this.size) x = this.decrypt(x);
    return x;
  }

  /** Whether this permutation was built from this key and size. */
  sameAs(key: Buffer, size: number): boolean {
    return size === this.size && key.equals(this.key);
  }

  private check(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value >= this.size) {
      throw new RangeError(`${value} is not in [0, ${this.size})`);
    }
  }

  private encrypt(x: number): number {
    let left = Math.floor(x / this.halfSize);
    let right = x % this.halfSize;
    for (let round = 0; round < FEISTEL_ROUNDS; round += 1) {
      const next = left ^ this.round(round, right);
      left = right;
      right = next;
    }
    return left * this.halfSize + right;
  }

  private decrypt(x: number): number {
    let left = Math.floor(x / this.halfSize);
    let right = x % this.halfSize;
    for (let round = FEISTEL_ROUNDS - 1; round >= 0; round -= 1) {
      const previous = right ^ this.round(round, left);
      right = left;
      left = previous;
    }
    return left * this.halfSize + right;
  }

  /** HMAC-SHA-256(key, round ‖ h ‖ half), its first 32 bits cut to h bits. */
  private round(round: number, half: number): number {
    this.message.writeUInt8(round, 0);
    this.message.writeUInt8(this.halfBits, 1);
    this.message.writeUInt32BE(half, 2);
    const digest = createHmac('sha256', this.key).update(this.message).digest();
    return (digest.readUInt32BE(0) & this.mask) >>> 0;
  }
}
