/** Thrown inside a transaction to roll it back and run it again (a lost race, a busy database). */
export class RetryableConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryableConflict';
  }
}
