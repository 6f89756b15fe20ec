/**
 * RabbitMQ: reuses a broker on 5672 (guest/guest) when there is one, else starts its own node from the Debian
 * package on free ports bound to 127.0.0.1, with its own Mnesia folder, node name, Erlang cookie (HOME) and
 * epmd, all stopped by PID afterwards.
 */
import amqp from 'amqplib';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChildServer } from './child-server.js';
import { ensureDebianPackage } from './debian-packages.js';
import type { PeerEndpoint, PeerServer, PeerStartContext, PeerStartResult } from './peer-server.js';
import { freePorts, isPortOpen, pidsListeningOn, waitForPort } from './port-tools.js';
import { makeTempDir, removeTempDir } from './temp-dirs.js';

const STANDARD_PORT = 5672;
const SERVER_SCRIPTS = ['/usr/lib/rabbitmq/bin/rabbitmq-server'];
const START_TIMEOUT_MS = 90_000;

/** Connects once to check the broker answers AMQP and to read its version. */
async function probeAmqp(url: string): Promise<string> {
  const connection = await amqp.connect(url, { timeout: 5000 });
  try {
    const version = connection.connection.serverProperties.version;
    return typeof version === 'string' ? version : 'unknown';
  } finally {
    await connection.close();
  }
}

export class RabbitmqPeer implements PeerServer {
  readonly name = 'rabbitmq' as const;
  private server: ChildServer | null = null;
  private dataDir: string | null = null;

  async start(context: PeerStartContext): Promise<PeerStartResult> {
    if (context.reusePeers && (await isPortOpen(STANDARD_PORT))) {
      const url = `amqp://guest:guest@127.0.0.1:${STANDARD_PORT}`;
      try {
        const version = await probeAmqp(url);
        return { ok: true, endpoint: await this.endpoint(STANDARD_PORT, url, version, 'reused', {}) };
      } catch (error) {
        context.log(
          `  rabbitmq: port ${STANDARD_PORT} is open but AMQP guest login failed (${String(error)}); starting our own`,
        );
      }
    }
    const installed = await ensureDebianPackage(SERVER_SCRIPTS, 'rabbitmq-server', context.installPeers, context.log);
    if (!installed.ok) return installed;
    try {
      return await this.startOwn(context, installed.binary);
    } catch (error) {
      await this.stop();
      return { ok: false, reason: `rabbitmq failed to start: ${String(error)}` };
    }
  }

  private async startOwn(context: PeerStartContext, binary: string): Promise<PeerStartResult> {
    const dir = await makeTempDir('rabbitmq');
    this.dataDir = dir;
    const [nodePort = 0, distPort = 0, epmdPort = 0] = await freePorts(3);
    await writeFile(path.join(dir, 'enabled_plugins'), '[].\n');
    const env: Record<string, string> = {
      // The Erlang cookie lives in $HOME: a temp HOME keeps the system one untouched.
      HOME: dir,
      RABBITMQ_NODENAME: `rocketnest-bench-${process.pid}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(nodePort),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(dir, 'log'),
      RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
      RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      // A private epmd on a free port, so a system one is never touched and ours can be stopped by PID.
      ERL_EPMD_PORT: String(epmdPort),
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
    context.log(`  rabbitmq: starting a node on 127.0.0.1:${nodePort} (data ${dir})`);
    const server = ChildServer.start({
      command: binary,
      args: [],
      cwd: dir,
      env,
      logFile: path.join(dir, 'server.log'),
    });
    this.server = server;
    const up = await waitForPort(nodePort, START_TIMEOUT_MS, context.signal, () => server.running);
    // The script forks beam.smp, which starts epmd: both are found by the ports they listen on.
    for (const pid of [...(await pidsListeningOn(nodePort)), ...(await pidsListeningOn(epmdPort))]) {
      server.addCompanion(pid);
    }
    if (!up)
      return {
        ok: false,
        reason: `rabbitmq did not listen within ${START_TIMEOUT_MS} ms: ${await server.describeExit()}`,
      };
    const url = `amqp://guest:guest@127.0.0.1:${nodePort}`;
    let version: string;
    try {
      version = await probeAmqp(url);
    } catch (error) {
      return {
        ok: false,
        reason: `rabbitmq listens but AMQP failed (${String(error)}): ${await server.describeExit()}`,
      };
    }
    return {
      ok: true,
      endpoint: await this.endpoint(nodePort, url, version, 'started', { dataDir: dir }),
    };
  }

  private async endpoint(
    port: number,
    url: string,
    version: string,
    origin: 'started' | 'reused',
    settings: Record<string, string>,
  ): Promise<PeerEndpoint> {
    return {
      name: this.name,
      host: '127.0.0.1',
      port,
      url,
      pids: await pidsListeningOn(port),
      version,
      origin,
      settings,
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server !== null) await server.stop(20_000);
    const dir = this.dataDir;
    this.dataDir = null;
    await removeTempDir(dir);
  }
}
