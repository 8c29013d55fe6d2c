/**
 * A circuit breaker over one client's Redis: after a failure the client skips Redis for a
 * cool-down; then one call probes it while the others still skip, and a success closes it.
 * Uses timestamps only (no timers), so nothing outlives the client.
 */
export class CircuitBreaker {
  private openUntil = 0
  private probing = false

  constructor(private readonly coolDownMs: number) {}

  /** Whether a call may use Redis now; the first call after the cool-down becomes the probe. */
  allow(): boolean {
    if (this.openUntil === 0) return true
    if (this.probing || Date.now() < this.openUntil) return false
    this.probing = true
    return true
  }

  succeeded(): void {
    this.openUntil = 0
    this.probing = false
  }

  failed(): void {
    this.openUntil = Date.now() + this.coolDownMs
    this.probing = false
  }
}
