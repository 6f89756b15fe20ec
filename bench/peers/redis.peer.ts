/**
 * Redis for BullMQ: reuses a server on 6379 if it answers PING, else starts `redis-server` on a free port bound
 * to 127.0.0.1 with an AOF in a temp folder (fsync policy set per workload with CONFIG SET), stopped by PID.
 */
import net from 'node:net';
import path from 'node:path';
import { ChildServer } from './child-server.js';
import { ensureDebianPackage } from './debian-packages.js';
import type { PeerServer, PeerStartContext, PeerStartResult } from './peer-server.js';
import { freePort, isPortOpen, pidsListeningOn, waitForPort } from './port-tools.js';
import { makeTempDir, removeTempDir } from './temp-dirs.js';

const STANDARD_PORT = 6379;
const BINARIES = ['/usr/bin/redis-server', '/usr/sbin/redis-server'];
const START_TIMEOUT_MS = 30_000;

/** Sends one inline command and resolves with the first reply line. */
export function redisCommand(port: number, command: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`redis ${command}: no reply within ${timeoutMs} ms`));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      const complete = /^\$(\d+)\r\n/.exec(reply);
      // A bulk reply ($len) is complete once its payload arrived; a simple reply at its first CRLF.
      if (complete !== null ? reply.length >= complete[0].length + Number(complete[1]) + 2 : reply.includes('\r\n')) {
        socket.end();
        resolve(reply);
      }
    });
  });
}

async function redisVersion(port: number): Promise<string> {
  const info = await redisCommand(port, 'INFO server');
  return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
}

export class RedisPeer implements PeerServer {
  readonly name = 'redis' as const;
  private server: ChildServer | null = null;
  private dataDir: string | null = null;

  async start(context: PeerStartContext): Promise<PeerStartResult> {
    if (context.reusePeers && (await isPortOpen(STANDARD_PORT))) {
      try {
        if ((await redisCommand(STANDARD_PORT, 'PING')).startsWith('+PONG')) {
          return {
            ok: true,
            endpoint: {
              name: this.name,
              host: '127.0.0.1',
              port: STANDARD_PORT,
              url: `redis://127.0.0.1:${STANDARD_PORT}`,
              pids: await pidsListeningOn(STANDARD_PORT),
              version: await redisVersion(STANDARD_PORT),
              origin: 'reused',
              settings: {},
            },
          };
        }
      } catch (error) {
        context.log(`  redis: port ${STANDARD_PORT} is open but PING failed (${String(error)}); starting our own`);
      }
    }
    const installed = await ensureDebianPackage(BINARIES, 'redis-server', context.installPeers, context.log);
    if (!installed.ok) return installed;
    try {
      return await this.startOwn(context, installed.binary);
    } catch (error) {
      await this.stop();
      return { ok: false, reason: `redis-server failed to start: ${String(error)}` };
    }
  }

  private async startOwn(context: PeerStartContext, binary: string): Promise<PeerStartResult> {
    const dir = await makeTempDir('redis');
    this.dataDir = dir;
    const port = await freePort();
    context.log(`  redis: starting redis-server on 127.0.0.1:${port} (dir ${dir})`);
    const server = ChildServer.start({
      command: binary,
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
      ],
      cwd: dir,
      logFile: path.join(dir, 'server.log'),
    });
    this.server = server;
    if (!(await waitForPort(port, START_TIMEOUT_MS, context.signal, () => server.running))) {
      return { ok: false, reason: `redis-server did not listen: ${await server.describeExit()}` };
    }
    return {
      ok: true,
      endpoint: {
        name: this.name,
        host: '127.0.0.1',
        port,
        url: `redis://127.0.0.1:${port}`,
        pids: [server.pid],
        version: await redisVersion(port),
        origin: 'started',
        settings: { dir, appendonly: 'yes' },
      },
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server !== null) await server.stop(10_000);
    const dir = this.dataDir;
    this.dataDir = null;
    await removeTempDir(dir);
  }
}
