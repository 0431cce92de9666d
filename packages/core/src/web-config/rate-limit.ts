/** Token bucket: `burst` requests at once, then one per interval; excess requests get HTTP 429. */
export class TokenBucket {
  #tokens: number;
  #last = Date.now();
  readonly #intervalMs: number;
  readonly #burst: number;

  constructor(intervalMs: number, burst: number) {
    this.#intervalMs = intervalMs;
    this.#burst = burst;
    this.#tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) / this.#intervalMs);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
