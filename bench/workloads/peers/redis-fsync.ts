/**
 * Redis's AOF fsync policy is a server setting: each BullMQ contender sets its own at the start of every
 * round (rounds interleave on one server) and the original settings come back when it closes, so a reused
 * Redis is left as it was found.
 */
import { Redis } from 'ioredis';
import type { PeerEndpoint } from '../../peers/peer-server.js';

export type AppendFsync = 'always' | 'everysec';

export class RedisFsyncControl {
  private original: { appendonly: string; appendfsync: string } | null = null;

  private constructor(private readonly redis: Redis) {}

  static async open(endpoint: PeerEndpoint): Promise<RedisFsyncControl> {
    const redis = new Redis({ host: endpoint.host, port: endpoint.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const control = new RedisFsyncControl(redis);
    control.original = { appendonly: await control.get('appendonly'), appendfsync: await control.get('appendfsync') };
    return control;
  }

  private async get(name: string): Promise<string> {
    const reply = (await this.redis.config('GET', name)) as unknown;
    return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : '';
  }

  async apply(mode: AppendFsync): Promise<void> {
    await this.redis.config('SET', 'appendonly', 'yes');
    await this.redis.config('SET', 'appendfsync', mode);
  }

  async close(): Promise<void> {
    try {
      if (this.original !== null) {
        if (this.original.appendfsync !== '') await this.redis.config('SET', 'appendfsync', this.original.appendfsync);
        if (this.original.appendonly !== '') await this.redis.config('SET', 'appendonly', this.original.appendonly);
      }
    } finally {
      this.redis.disconnect();
    }
  }
}
