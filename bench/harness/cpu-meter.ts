/**
 * CPU time of this (client) process and of server processes over a measured phase. Server time comes from
 * /proc/<pid>/stat (utime + stime of every thread, in clock ticks); it is read synchronously on purpose: a
 * procfs read takes microseconds, and an async read would shift the phase boundary by an event-loop turn.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicksPerSecond: number | null = null;

/** sysconf(_SC_CLK_TCK); 100 on every Linux we run on, asked once in case a kernel differs. */
function clockTicks(): number {
  if (clockTicksPerSecond === null) {
    try {
      const parsed = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), 10);
      clockTicksPerSecond = Number.isFinite(parsed) && parsed > 0 ? parsed : 100;
    } catch (error) {
      // getconf missing: the kernel's USER_HZ is 100 on all mainstream architectures.
      clockTicksPerSecond = 100;
      process.emitWarning(`getconf CLK_TCK failed, assuming 100: ${String(error)}`);
    }
  }
  return clockTicksPerSecond;
}

/** CPU microseconds (user + system) used so far by a process, or null when it is gone or not readable. */
export function processCpuUs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) sit at indexes 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1_000_000) / clockTicks();
}

export interface CpuSample {
  readonly clientUs: number;
  /** Null when no server process is known (a hosted peer) or one disappeared during the phase. */
  readonly serverUs: number | null;
}

/** Starts measuring at construction; `stop()` returns the CPU used since. */
export class CpuMeter {
  private readonly clientStart = process.cpuUsage();
  private readonly serverStart: (number | null)[];

  constructor(private readonly serverPids: readonly number[]) {
    this.serverStart = serverPids.map(processCpuUs);
  }

  stop(): CpuSample {
    const client = process.cpuUsage(this.clientStart);
    let serverUs: number | null = this.serverPids.length === 0 ? null : 0;
    this.serverPids.forEach((pid, i) => {
      const start = this.serverStart[i];
      const end = processCpuUs(pid);
      serverUs =
        serverUs === null || start === null || start === undefined || end === null ? null : serverUs + end - start;
    });
    return { clientUs: client.user + client.system, serverUs };
  }
}
