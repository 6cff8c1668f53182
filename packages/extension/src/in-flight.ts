/**
 * The cap on requests waiting for the upstream (PARASOL_MAX_IN_FLIGHT). Hits
 * are answered synchronously and never count; a request that must wait for a
 * fetch (its own or one it joins) counts until it is answered. Beyond the cap
 * the caller gets 429 ThrottlingException with Retry-After, as AWS's Cloud
 * Extensions answer, instead of piling more work on a slow upstream.
 */
import { RequestError } from './errors.js';

/** Seconds a throttled caller is told to wait. */
export const RETRY_AFTER_SECONDS = 1;

export class InFlightLimit {
  private count = 0;

  constructor(readonly max: number) {}

  get current(): number {
    return this.count;
  }

  /** Starts `work` and counts it until it settles, or returns undefined when the cap is reached. */
  run<T>(work: () => Promise<T>): Promise<T> | undefined {
    if (this.count >= this.max) return undefined;
    this.count++;
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (e) {
      pending = Promise.reject(e);
    }
    return pending.finally(() => {
      this.count--;
    });
  }

  /** The error for a request turned away. */
  throttled(): RequestError {
    return new RequestError(
      'ThrottlingException',
      `more than ${this.max} requests are waiting for the upstream (PARASOL_MAX_IN_FLIGHT); retry after ${RETRY_AFTER_SECONDS} s`,
      429,
    );
  }
}
