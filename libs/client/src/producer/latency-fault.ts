/**
 * Latency fault tolerance (broker-semantics.md 10.3): after a send, a broker whose latency crossed a step
 * (or that failed: counted as 30 s) is avoided for the matching duration. Queue selection skips avoided
 * brokers while any other is available.
 */
const LATENCY_STEPS_MS = [50, 100, 550, 1000, 2000, 3000, 15_000];
const NOT_AVAILABLE_MS = [0, 0, 30_000, 60_000, 120_000, 180_000, 600_000];
const FAILURE_LATENCY_MS = 30_000;

export class LatencyFaultTolerance {
  private readonly availableAfter = new Map<string, number>();

  update(brokerName: string, latencyMs: number, failed: boolean, now = Date.now()): void {
    const latency = failed ? FAILURE_LATENCY_MS : latencyMs;
    let duration = 0;
    for (let i = LATENCY_STEPS_MS.length - 1; i >= 0; i--) {
      if (latency >= LATENCY_STEPS_MS[i]!) {
        duration = NOT_AVAILABLE_MS[i]!;
        break;
      }
    }
    if (duration === 0) this.availableAfter.delete(brokerName);
    else this.availableAfter.set(brokerName, now + duration);
  }

  isAvailable(brokerName: string, now = Date.now()): boolean {
    const until = this.availableAfter.get(brokerName);
    return until === undefined || now >= until;
  }
}
