/**
 * NATS with JetStream: reuses a server on 4222 if JetStream is enabled there, else starts
 * `nats-server -js -sd <tmp> -p <free port> -a 127.0.0.1` and stops it by PID.
 */
import path from 'node:path';
import { connect } from 'nats';
import { ChildServer } from './child-server.js';
import { ensureDebianPackage } from './debian-packages.js';
import type { PeerServer, PeerStartContext, PeerStartResult } from './peer-server.js';
import { freePort, isPortOpen, pidsListeningOn, waitForPort } from './port-tools.js';
import { makeTempDir, removeTempDir } from './temp-dirs.js';

const STANDARD_PORT = 4222;
const BINARIES = ['/usr/sbin/nats-server', '/usr/bin/nats-server'];
const START_TIMEOUT_MS = 30_000;

/** Connects once: checks JetStream answers and reads the server version. */
async function probeJetStream(url: string): Promise<string> {
  const nc = await connect({ servers: url, timeout: 5000, reconnect: false });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.getAccountInfo();
    return nc.info?.version ?? 'unknown';
  } finally {
    await nc.close();
  }
}

export class NatsPeer implements PeerServer {
  readonly name = 'nats' as const;
  private server: ChildServer | null = null;
  private dataDir: string | null = null;

  async start(context: PeerStartContext): Promise<PeerStartResult> {
    if (context.reusePeers && (await isPortOpen(STANDARD_PORT))) {
      const url = `nats://127.0.0.1:${STANDARD_PORT}`;
      try {
        const version = await probeJetStream(url);
        return {
          ok: true,
          endpoint: {
            name: this.name,
            host: '127.0.0.1',
            port: STANDARD_PORT,
            url,
            pids: await pidsListeningOn(STANDARD_PORT),
            version,
            origin: 'reused',
            settings: {},
          },
        };
      } catch (error) {
        context.log(
          `  nats: port ${STANDARD_PORT} is open but JetStream did not answer (${String(error)}); starting our own`,
        );
      }
    }
    const installed = await ensureDebianPackage(BINARIES, 'nats-server', context.installPeers, context.log);
    if (!installed.ok) return installed;
    try {
      return await this.startOwn(context, installed.binary);
    } catch (error) {
      await this.stop();
      return { ok: false, reason: `nats-server failed to start: ${String(error)}` };
    }
  }

  private async startOwn(context: PeerStartContext, binary: string): Promise<PeerStartResult> {
    const dir = await makeTempDir('nats');
    this.dataDir = dir;
    const port = await freePort();
    const storeDir = path.join(dir, 'jetstream');
    context.log(`  nats: starting nats-server -js on 127.0.0.1:${port} (store ${storeDir})`);
    const server = ChildServer.start({
      command: binary,
      args: ['-js', '-sd', storeDir, '-p', String(port), '-a', '127.0.0.1'],
      cwd: dir,
      logFile: path.join(dir, 'server.log'),
    });
    this.server = server;
    if (!(await waitForPort(port, START_TIMEOUT_MS, context.signal, () => server.running))) {
      return { ok: false, reason: `nats-server did not listen: ${await server.describeExit()}` };
    }
    const url = `nats://127.0.0.1:${port}`;
    const version = await probeJetStream(url);
    return {
      ok: true,
      endpoint: {
        name: this.name,
        host: '127.0.0.1',
        port,
        url,
        pids: [server.pid],
        version,
        origin: 'started',
        settings: { storeDir },
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
