/** The service's time. Use cases read it once; tests and demos drive a manual one. */
export interface Clock {
  now(): number;
  readonly manual: boolean;
}

export const systemClock: Clock = { now: () => Date.now(), manual: false };

export class ManualClock implements Clock {
  readonly manual = true;
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
