/**
 * Latency fault tolerance (broker-semantics.md 10.3, the 4.x table): after each send attempt the broker's
 * latency picks how long it is avoided; a network or client failure counts as 30 s of latency. When every
 * broker is avoided, the least bad one is still usable: a pick among the better half.
 */
const LATENCY_STEPS_MS = [50, 100, 550, 1000, 2000, 3000, 15_000];
const NOT_AVAILABLE_MS = [0, 0, 30_000, 60_000, 120_000, 180_000, 600_000];
const ISOLATION_LATENCY_MS = 30_000;

interface FaultItem {
  readonly brokerName: string;
  readonly latencyMs: number;
  readonly availableAt: number;
}

export function notAvailableDurationMs(latencyMs: number): number {
  for (let i = LATENCY_STEPS_MS.length - 1; i >= 0; i--) {
    if (latencyMs >= LATENCY_STEPS_MS[i]!) return NOT_AVAILABLE_MS[i]!;
  }
  return 0;
}

export class LatencyFaultTolerance {
  private readonly items = new Map<string, FaultItem>();
  private worstCounter = 0;

  /** Records one attempt; `isolate` for failures that say nothing of latency (connect refused, timeout). */
  update(brokerName: string, latencyMs: number, isolate: boolean, now = Date.now()): void {
    const duration = notAvailableDurationMs(isolate ? ISOLATION_LATENCY_MS : latencyMs);
    this.items.set(brokerName, { brokerName, latencyMs, availableAt: now + duration });
  }

  isAvailable(brokerName: string, now = Date.now()): boolean {
    const item = this.items.get(brokerName);
    return item === undefined || now >= item.availableAt;
  }

  remove(brokerName: string): void {
    this.items.delete(brokerName);
  }

  /** A broker from the better half of those known (available first, then lower latency, then sooner). */
  pickOneAtLeast(now = Date.now()): string | undefined {
    const sorted = [...this.items.values()].sort((a, b) => {
      const availableA = now >= a.availableAt;
      const availableB = now >= b.availableAt;
      if (availableA !== availableB) return availableA ? -1 : 1;
      if (a.latencyMs !== b.latencyMs) return a.latencyMs - b.latencyMs;
      return a.availableAt - b.availableAt;
    });
    if (sorted.length === 0) return undefined;
    const half = Math.floor(sorted.length / 2);
    if (half === 0) return sorted[0]!.brokerName;
    this.worstCounter = (this.worstCounter + 1) % half;
    return sorted[this.worstCounter]!.brokerName;
  }
}
