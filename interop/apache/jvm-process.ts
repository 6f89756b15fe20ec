import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

/** A JVM started by the cluster helper, always stopped by its PID. */
export interface JvmProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) when the process has exited. */
  readonly exited: Promise<string>;
  hasExited(): boolean;
}

export class JvmStartError extends Error {
  override readonly name = 'JvmStartError';
}

const live = new Map<number, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when the owner forgets stop() or dies of an exception: SIGKILL every JVM we still own.
  process.on('exit', () => {
    for (const pid of live.keys()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error: unknown) {
        if (!isNoSuchProcess(error)) throw error;
      }
    }
  });
}

function isNoSuchProcess(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ESRCH';
}

/** Start `java` with stdout and stderr appended to logFile. */
export function spawnJvm(
  name: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv,
  ownedByProcess: boolean,
): JvmProcess {
  if (ownedByProcess) installExitHook();
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // Not owned (the start.sh case): a new session, so the JVM outlives the Node process that started it.
    child = spawn('java', [...args], { stdio: ['ignore', fd, fd], env, detached: !ownedByProcess });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  let done = false;
  // Listeners first: a failed spawn (no java on PATH) still emits 'error' on a later tick, and an 'error'
  // event without a listener would crash the whole process instead of rejecting this start.
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      if (pid !== undefined) live.delete(pid);
      resolve(signal ?? String(code));
    });
    child.once('error', (error) => {
      done = true;
      if (pid !== undefined) live.delete(pid);
      resolve(`spawn error: ${error.message}`);
    });
  });
  if (pid === undefined) throw new JvmStartError(`could not start ${name}: java did not spawn`);
  if (ownedByProcess) live.set(pid, name);
  else child.unref();
  return { name, pid, logFile, exited, hasExited: () => done };
}

/** SIGTERM, then SIGKILL once graceMs has passed; resolves when the process is gone. */
export async function stopJvm(jvm: JvmProcess, graceMs: number): Promise<void> {
  if (jvm.hasExited()) return;
  signal(jvm.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), graceMs);
  });
  const outcome = await Promise.race([jvm.exited, deadline]);
  clearTimeout(timer);
  if (outcome === 'deadline') {
    signal(jvm.pid, 'SIGKILL');
    await jvm.exited;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error: unknown) {
    if (!isNoSuchProcess(error)) throw error;
  }
}

/** Last bytes of a log file, for error messages. */
export function tailOf(file: string, maxBytes = 4000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > maxBytes ? text.slice(text.length - maxBytes) : text;
  } catch (error: unknown) {
    return `(no log: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * A detached shell that SIGKILLs the JVMs and removes the temp folder if the owning Node process disappears
 * without running its exit hooks (e.g. a test worker killed with SIGKILL). stop() kills the watchdog first.
 */
export function spawnWatchdog(ownerPid: number, jvmPids: readonly number[], tempDir: string): number | undefined {
  const script = [
    'while kill -0 "$0" 2>/dev/null; do sleep 1; done',
    'for p in "$@"; do kill -9 "$p" 2>/dev/null; done',
    'sleep 1',
    `rm -rf -- '${tempDir.replace(/'/g, `'\\''`)}'`,
  ].join('; ');
  const child = spawn('sh', ['-c', script, String(ownerPid), ...jvmPids.map(String)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child.pid;
}

export function killQuietly(pid: number | undefined): void {
  if (pid !== undefined) signal(pid, 'SIGKILL');
}
