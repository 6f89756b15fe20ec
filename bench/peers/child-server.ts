/**
 * A server process started for the bench: spawned in its own process group with its output in a log file,
 * stopped by PID (SIGTERM, then SIGKILL after a grace period), together with any helper processes it left
 * behind (epmd). Every live one is also killed if the bench process exits early, so none outlives a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './port-tools.js';

const live = new Set<ChildServer>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a crash or an uncaught signal: only synchronous calls work in an 'exit' handler.
  process.on('exit', () => {
    for (const server of live) server.killNow();
  });
}

export interface ChildServerOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** stdout and stderr go here (kept for the skip reason if the server fails to come up). */
  readonly logFile: string;
}

export class ChildServer {
  private readonly child: ChildProcess;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private spawnError: Error | null = null;
  private readonly exited: Promise<void>;
  /** Helper processes that outlive the main one (daemons): stopped with it, by PID. */
  private readonly companions = new Set<number>();

  private constructor(readonly options: ChildServerOptions) {
    const fd = openSync(options.logFile, 'a');
    try {
      this.child = spawn(options.command, [...options.args], {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(this);
        resolve();
      });
      this.child.once('error', (error) => {
        this.exitCode = -1;
        this.spawnError = error;
        live.delete(this);
        resolve();
      });
    });
    live.add(this);
    installExitHook();
  }

  static start(options: ChildServerOptions): ChildServer {
    return new ChildServer(options);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === null && this.exitSignal === null;
  }

  /** Why it stopped, for a skip reason: exit code or signal plus the end of its log. */
  async describeExit(): Promise<string> {
    const how =
      this.spawnError !== null
        ? `could not start: ${this.spawnError.message}`
        : this.running
          ? 'still running'
          : `exited (${this.exitSignal ?? `code ${this.exitCode}`})`;
    return `${how}; log tail: ${await this.logTail(400)}`;
  }

  async logTail(chars: number): Promise<string> {
    try {
      const text = await readFile(this.options.logFile, 'utf8');
      return text.slice(-chars).replace(/\s+/g, ' ').trim();
    } catch (error) {
      return `(no log: ${(error as Error).message})`;
    }
  }

  addCompanion(pid: number): void {
    if (pid > 0 && pid !== this.pid) this.companions.add(pid);
  }

  /** SIGTERM to the main process and its companions, SIGKILL to whatever is left after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const targets = [this.pid, ...this.companions].filter((pid) => pid > 0);
    for (const pid of targets) signalPid(pid, 'SIGTERM');
    const deadline = performance.now() + graceMs;
    for (;;) {
      const alive: number[] = [];
      for (const pid of targets) if (await isProcessAlive(pid)) alive.push(pid);
      if (alive.length === 0) break;
      if (performance.now() > deadline) {
        for (const pid of alive) signalPid(pid, 'SIGKILL');
        await sleep(200);
        break;
      }
      await sleep(100);
    }
    if (this.running) await Promise.race([this.exited, sleep(2000)]);
    live.delete(this);
  }

  /** kill -9, as a crash would: no chance to flush or clean up. */
  async kill(): Promise<void> {
    this.killNow();
    if (this.running) await Promise.race([this.exited, sleep(5000)]);
    live.delete(this);
  }

  /** Synchronous SIGKILL, for the process 'exit' hook and kill(). */
  killNow(): void {
    for (const pid of [this.pid, ...this.companions]) if (pid > 0) signalPid(pid, 'SIGKILL');
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    // ESRCH: already gone, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Stops every server still running: called on SIGINT/SIGTERM before the bench exits. */
export async function stopAllChildServers(): Promise<void> {
  await Promise.all([...live].map((server) => server.stop(5000)));
}
