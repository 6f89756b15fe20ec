/**
 * Starts a server under test in its own process (BENCHMARKS.md: broker in its own process, clients in this
 * one): our broker from dist/apps/broker, or Apache RocketMQ from the interop scripts. It is ready once
 * `readyPort` accepts connections, its CPU is charged from `pid`, and `stop()` ends it by PID. Every server
 * still running when the bench exits is killed, whatever happened.
 */
import path from 'node:path';
import { ChildServer } from '../peers/child-server.js';
import { waitForPort } from '../peers/port-tools.js';

export interface ServerProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** Data, logs and cwd go here: pass the contender's SetupContext.tempDir. */
  readonly dir: string;
  readonly readyPort: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
  readonly signal: AbortSignal;
}

export interface ServerProcess {
  readonly pid: number;
  /** The server's output, for failure messages. */
  readonly logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now, for crash-recovery workloads (W10). */
  kill(): Promise<void>;
}

export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const logFile = path.join(options.dir, 'server.log');
  const server = ChildServer.start({
    command: options.command,
    args: options.args,
    cwd: options.dir,
    env: options.env,
    logFile,
  });
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  if (!(await waitForPort(options.readyPort, timeoutMs, options.signal, () => server.running))) {
    const why = await server.describeExit();
    await server.stop(2000);
    throw new ServerStartError(
      `${options.command} did not listen on ${options.readyPort} within ${timeoutMs} ms: ${why}`,
    );
  }
  return {
    pid: server.pid,
    logFile,
    stop: (graceMs) => server.stop(graceMs),
    kill: () => server.kill(),
  };
}
