/** Processing time, injected so tests advance it by hand instead of sleeping. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() })

/** A clock that only moves when told to. @example const c = new ManualClock(0); c.advance(1000) */
export class ManualClock implements Clock {
  private time: number
  constructor(start = 0) {
    this.time = start
  }
  now(): number {
    return this.time
  }
  advance(ms: number): void {
    this.time += ms
  }
  set(ms: number): void {
    this.time = ms
  }
}
