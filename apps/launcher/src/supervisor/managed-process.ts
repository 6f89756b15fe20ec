/**
 * One child program run by the launcher: spawned in its own process group (so a terminal's Ctrl-C reaches
 * the launcher only, which stops the children in order), every output line prefixed with its label,
 * "ready" when a given line appears on its stdout, stopped with SIGTERM and then SIGKILL after a grace
 * period.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

export type ProcessState = 'stopped' | 'starting' | 'running' | 'stopping' | 'exited';

export interface ProcessSpec {
  /** Short name used in logs and in the control API (`broker`, `order`, `points`). */
  name: string;
  /** Prefix of each output line, e.g. `[order]  `. */
  label: string;
  /** Node script to run, with the launcher's own node flags (the TypeScript loader in tests). */
  script: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** A stdout line that says the program serves. */
  ready: RegExp;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the launcher asked for it (stop), false for a crash. */
  expected: boolean;
}

export class ProcessStartError extends Error {
  override name = 'ProcessStartError';
}

export class ManagedProcess extends EventEmitter<{ exit: [ExitInfo] }> {
  private child: ChildProcess | null = null;
  private currentState: ProcessState = 'stopped';
  private stopRequested = false;
  private exited: Promise<ExitInfo> | null = null;
  /** The ready line's match of the last start. */
  readyMatch: RegExpExecArray | null = null;
  lastExit: ExitInfo | null = null;

  constructor(
    readonly spec: ProcessSpec,
    private readonly write: (line: string) => void,
  ) {
    super();
  }

  get state(): ProcessState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the program and resolves with its ready line; rejects (and kills it) if it exits or times out. */
  start(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RegExpExecArray> {
    if (this.currentState === 'starting' || this.currentState === 'running' || this.currentState === 'stopping')
      return Promise.reject(new ProcessStartError(`${this.spec.name} is ${this.currentState}`));
    this.currentState = 'starting';
    this.stopRequested = false;
    this.readyMatch = null;
    const child = spawn(process.execPath, [...process.execArgv, this.spec.script, ...this.spec.args], {
      env: { ...this.spec.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        const info: ExitInfo = { code, signal, expected: this.stopRequested };
        this.currentState = 'exited';
        this.lastExit = info;
        this.child = null;
        resolve(info);
        this.emit('exit', info);
      });
    });
    return new Promise<RegExpExecArray>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | null, match?: RegExpExecArray): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === null) {
          this.currentState = 'running';
          this.readyMatch = match!;
          resolve(match!);
        } else {
          reject(error);
        }
      };
      const timer = setTimeout(() => {
        settle(new ProcessStartError(`${this.spec.name} did not get ready within ${timeoutMs} ms`));
        void this.stop('SIGKILL', 0);
      }, timeoutMs);
      child.once('error', (error) => settle(new ProcessStartError(`${this.spec.name}: ${error.message}`)));
      void this.exited!.then((info) =>
        settle(
          new ProcessStartError(
            `${this.spec.name} exited before it was ready (${info.signal ?? `code ${String(info.code)}`})`,
          ),
        ),
      );
      createInterface({ input: child.stdout! }).on('line', (line) => {
        this.write(`${this.spec.label}${line}`);
        const match = this.spec.ready.exec(line);
        if (match !== null) settle(null, match);
      });
      createInterface({ input: child.stderr! }).on('line', (line) => this.write(`${this.spec.label}${line}`));
    });
  }

  /** Signals the process and resolves once it has exited (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<ExitInfo | null> {
    const child = this.child;
    const exited = this.exited;
    if (child === null || exited === null) return this.lastExit;
    this.stopRequested = true;
    this.currentState = 'stopping';
    child.kill(signal);
    const timer = setTimeout(() => {
      this.write(`${this.spec.label}(no exit after ${graceMs} ms: SIGKILL)`);
      child.kill('SIGKILL');
    }, graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last resort when the launcher itself exits: no waiting. */
  killNow(): void {
    if (this.child !== null && this.child.exitCode === null && this.child.signalCode === null) {
      this.stopRequested = true;
      this.child.kill('SIGKILL');
    }
  }
}
