/** Ports on 127.0.0.1: pick a free one, wait until one listens, and find which process listens on one. */
import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** `count` distinct free ports: all held open at once, so two of them can never be the same port. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      ports.push(typeof address === 'object' && address !== null ? address.port : 0);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port ?? 0;
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls until the port accepts connections; false when `stillAlive` says the server died or time ran out. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
  stillAlive: () => boolean,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !signal.aborted && stillAlive()) {
    if (await isPortOpen(port, '127.0.0.1', 500)) return true;
    await sleep(100);
  }
  return false;
}

/** Socket inodes listening on a TCP port, from /proc/net/tcp{,6} (state 0A = LISTEN). */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue; // no IPv6 table on this kernel
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A') inodes.add(cols[9] ?? '');
    }
  }
  inodes.delete('');
  inodes.delete('0');
  return inodes;
}

/** PIDs of the processes holding a listening socket on the port (root sees them all). */
export async function pidsListeningOn(port: number): Promise<number[]> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${entry}/fd`);
    } catch {
      continue; // exited meanwhile, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match !== null && inodes.has(match[1] ?? '')) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

/** True while the process exists and is not a zombie waiting to be reaped by a parent that is not us. */
export async function isProcessAlive(pid: number): Promise<boolean> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}
