/**
 * The service's notion of "now". Injectable so that tests can move time forward
 * (deletion windows, parameter expiration, rotation schedules) without waiting.
 */
export interface Clock {
  now(): number; // epoch milliseconds
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that tests move by hand. Starts at the real time unless told otherwise. */
export class ManualClock implements Clock {
  constructor(private current = Date.now()) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/**
 * A clock that runs at real speed plus an offset that can be moved forward;
 * `parasol serve` uses it so a test can compress days into seconds
 * via the admin endpoint `POST /_parasol/clock`.
 */
export class OffsetClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    if (ms > 0) this.offset += ms;
  }
}

/** AWS JSON timestamps: epoch seconds with a millisecond fraction. */
export const epochSeconds = (ms: number): number => Math.round(ms) / 1000;
