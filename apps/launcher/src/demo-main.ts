/**
 * `npm run demo`: a narrated tour of the samples against a running `npm start` (found through the
 * launcher's control API, LAUNCHER_URL or http://127.0.0.1:$LAUNCHER_PORT, default port 3002). Each step
 * checks its own outcome; the last line is `N passed, N failed`, and the exit code is 1 if a step failed.
 * Sizes: DEMO_BURST_ORDERS, DEMO_USERS, DEMO_DECOUPLING_ORDERS, DEMO_ORDERED_ORDERS, DEMO_HTTP_CONCURRENCY.
 */
import { connectDemo } from './demo/demo-context.js';
import type { DemoContext, DemoSettings } from './demo/demo-context.js';
import { Narrator } from './demo/narrator.js';
import { runDemo } from './demo/run-demo.js';

function count(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^[1-9]\d*$/.test(text)) throw new Error(`${name} must be a positive whole number, got ${text}`);
  return Number(text);
}

async function main(): Promise<number> {
  const controlUrl = process.env['LAUNCHER_URL'] ?? `http://127.0.0.1:${process.env['LAUNCHER_PORT'] ?? '3002'}`;
  const settings: DemoSettings = {
    burstOrders: count('DEMO_BURST_ORDERS'),
    users: count('DEMO_USERS'),
    decouplingOrders: count('DEMO_DECOUPLING_ORDERS'),
    orderedOrders: count('DEMO_ORDERED_ORDERS'),
    httpConcurrency: count('DEMO_HTTP_CONCURRENCY'),
  };
  const narrator = new Narrator();
  let ctx: DemoContext;
  try {
    ctx = await connectDemo(controlUrl, settings, narrator);
  } catch (error) {
    process.stderr.write(
      `demo: cannot reach the samples through ${controlUrl} (${error instanceof Error ? error.message : String(error)}).\n` +
        'Start them first with `npm start` (in another terminal), or set LAUNCHER_URL.\n',
    );
    return 2;
  }
  narrator.line(
    `Rocketnest samples tour: order-service ${ctx.orders.baseUrl}, points-service ${ctx.points.baseUrl}, run ${ctx.runId}`,
  );
  try {
    const outcome = await runDemo(ctx);
    narrator.line('');
    narrator.line(`${outcome.passed} passed, ${outcome.failed} failed`);
    return outcome.failed === 0 ? 0 : 1;
  } finally {
    await ctx.broker.shutdown();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
