/** A message server a Nest user could pick instead of ours, started (or reused) for one bench run. */
export type PeerName = 'rabbitmq' | 'nats' | 'redis';

export interface PeerEndpoint {
  readonly name: PeerName;
  readonly host: string;
  readonly port: number;
  /** Client URL: `amqp://guest:guest@127.0.0.1:5672`, `nats://127.0.0.1:4222`, `redis://127.0.0.1:6379`. */
  readonly url: string;
  /** Server processes whose CPU counts as the peer's (beam.smp, nats-server, redis-server). */
  readonly pids: readonly number[];
  readonly version: string;
  /** `started`: ours to stop; `reused`: a server that was already listening on the standard port. */
  readonly origin: 'started' | 'reused';
  /** Printed beside the figures: data folder, durability-relevant server flags. */
  readonly settings: Readonly<Record<string, string>>;
}

export type PeerStartResult =
  { readonly ok: true; readonly endpoint: PeerEndpoint } | { readonly ok: false; readonly reason: string };

export interface PeerStartContext {
  readonly installPeers: boolean;
  readonly reusePeers: boolean;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

export interface PeerServer {
  readonly name: PeerName;
  /** Never throws: a peer that cannot be had is skipped with a printed reason. */
  start(context: PeerStartContext): Promise<PeerStartResult>;
  /** Stops what `start` started (by PID) and removes its temp folder; a reused server is left alone. */
  stop(): Promise<void>;
}
