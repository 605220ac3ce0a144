import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: sorts like the numbers it encodes

/**
 * Time-ordered ids (`ord_01J...`): 10 characters of milliseconds then 16 random characters. Within a process,
 * ids made in the same millisecond count up, so they sort in the order they were made.
 */
export class IdGenerator {
  private lastTime = -1;
  private lastRandom: number[] = [];

  next(prefix: string): string {
    const now = Date.now();
    if (now <= this.lastTime) {
      this.increment();
    } else {
      this.lastTime = now;
      this.lastRandom = [...randomBytes(16)].map((b) => b & 31);
    }
    let time = '';
    let t = this.lastTime;
    for (let i = 0; i < 10; i++) {
      time = ALPHABET[t % 32] + time;
      t = Math.floor(t / 32);
    }
    return `${prefix}_${time}${this.lastRandom.map((d) => ALPHABET[d]).join('')}`;
  }

  private increment(): void {
    for (let i = this.lastRandom.length - 1; i >= 0; i--) {
      if (this.lastRandom[i]! < 31) {
        this.lastRandom[i]!++;
        return;
      }
      this.lastRandom[i] = 0;
    }
  }
}
