/** Starts the peers a run needs (in parallel), hands out endpoints, and stops every one it started. */
import { NatsPeer } from './nats.peer.js';
import type { PeerEndpoint, PeerName, PeerServer, PeerStartContext } from './peer-server.js';
import { RabbitmqPeer } from './rabbitmq.peer.js';
import { RedisPeer } from './redis.peer.js';

export interface PeerStatus {
  readonly name: PeerName;
  readonly state: 'ready' | 'skipped';
  readonly endpoint?: PeerEndpoint;
  readonly reason?: string;
  readonly startMs?: number;
}

const FACTORIES: Readonly<Record<PeerName, () => PeerServer>> = {
  rabbitmq: () => new RabbitmqPeer(),
  nats: () => new NatsPeer(),
  redis: () => new RedisPeer(),
};

export class PeerPool {
  private readonly servers: PeerServer[] = [];
  private readonly statuses = new Map<PeerName, PeerStatus>();

  /** `wanted`: needed by a selected workload; `allowed`: named by --peers. Others get a skip reason. */
  async start(wanted: readonly PeerName[], allowed: readonly PeerName[], context: PeerStartContext): Promise<void> {
    await Promise.all(
      wanted.map(async (name) => {
        if (!allowed.includes(name)) {
          this.statuses.set(name, { name, state: 'skipped', reason: 'not selected by --peers' });
          return;
        }
        const server = FACTORIES[name]();
        this.servers.push(server);
        const began = performance.now();
        const result = await server.start(context);
        const startMs = performance.now() - began;
        this.statuses.set(
          name,
          result.ok
            ? { name, state: 'ready', endpoint: result.endpoint, startMs }
            : { name, state: 'skipped', reason: result.reason, startMs },
        );
      }),
    );
  }

  endpoints(): ReadonlyMap<PeerName, PeerEndpoint> {
    const map = new Map<PeerName, PeerEndpoint>();
    for (const status of this.statuses.values())
      if (status.endpoint !== undefined) map.set(status.name, status.endpoint);
    return map;
  }

  status(name: PeerName): PeerStatus | undefined {
    return this.statuses.get(name);
  }

  all(): PeerStatus[] {
    return [...this.statuses.values()];
  }

  async stopAll(): Promise<void> {
    const servers = this.servers.splice(0);
    await Promise.all(servers.map((server) => server.stop()));
  }
}
