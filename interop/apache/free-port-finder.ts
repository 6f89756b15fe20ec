import net from 'node:net';

/** Error raised when no usable port (block) could be found in a bounded number of attempts. */
export class PortAllocationError extends Error {
  override readonly name = 'PortAllocationError';
}

function listenOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : -1;
      server.close(() => resolve(bound));
    });
  });
}

async function isFree(port: number): Promise<boolean> {
  // Apache binds some listeners (the HA port) on every interface, so the port must be free on both.
  try {
    await listenOnce(port, '127.0.0.1');
    await listenOnce(port, '0.0.0.0');
    return true;
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && (error.code === 'EADDRINUSE' || error.code === 'EACCES')) {
      return false;
    }
    throw error;
  }
}

/** One free port chosen by the kernel (bind to port 0 on 127.0.0.1). */
export async function pickFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await listenOnce(0, '127.0.0.1');
    if (await isFree(port)) return port;
  }
  throw new PortAllocationError('no free port after 20 attempts');
}

/**
 * A broker main port whose whole block is free: Apache's broker also binds listenPort - 2 (the "fast"/VIP
 * server, always on in 5.x) and listenPort + 1 (HA). The port comes from the kernel (port 0), then the
 * neighbours are checked; the caller retries the start if another process wins the race.
 */
export async function pickBrokerPort(exclude: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await listenOnce(0, '127.0.0.1');
    if (port - 2 < 1024 || port + 1 > 65535) continue;
    const block = [port - 2, port - 1, port, port + 1];
    if (block.some((p) => exclude.includes(p))) continue;
    let free = true;
    for (const p of block) {
      if (!(await isFree(p))) {
        free = false;
        break;
      }
    }
    if (free) return port;
  }
  throw new PortAllocationError('no free broker port block (listenPort-2 .. listenPort+1) after 50 attempts');
}
