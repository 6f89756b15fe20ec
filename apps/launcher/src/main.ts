/**
 * `npm start`: the standalone broker, order-service and points-service as child processes with prefixed
 * logs (`[broker]`, `[order]`, `[points]`), the URLs once all are ready, and the control API the demo uses.
 * Ctrl-C (SIGINT) or SIGTERM stops the services, then the broker, and exits 0 once every child has exited.
 */
import { mkdir } from 'node:fs/promises';
import { styleText } from 'node:util';
import { launcherOptionsFromEnv, resolveLauncherOptions } from './launcher-options.js';
import type { ResolvedLauncherOptions } from './launcher-options.js';
import { ControlServer } from './supervisor/control-server.js';
import { SampleStack } from './supervisor/sample-stack.js';

type Color = Parameters<typeof styleText>[0];
const COLORS: Readonly<Record<string, Color>> = { broker: 'cyan', order: 'magenta', points: 'green', launcher: 'bold' };
const WIDTH = '[launcher] '.length;

function label(name: string): string {
  const text = `[${name}]`.padEnd(WIDTH);
  return process.stdout.isTTY ? styleText(COLORS[name] ?? 'white', text) : text;
}

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

function say(line: string): void {
  write(`${label('launcher')}${line}`);
}

function banner(stack: SampleStack, controlUrl: string, options: ResolvedLauncherOptions): void {
  const status = stack.status();
  const rows: Array<[string, string]> = [
    ['NameServer', status.namesrvAddr ?? '?'],
    ['Broker', status.brokerAddr ?? '?'],
    [
      'order-service',
      `${status.orderUrl ?? '?'}   POST /orders, GET /orders/:id, POST /orders/:id/pay|ship|complete|refund`,
    ],
    ['points-service', `${status.pointsUrl ?? '?'}   GET /users/:userId/points, GET /stats`],
    ['control API', `${controlUrl}   (npm run demo uses it)`],
    ['data folder', options.dataDir],
  ];
  say('all started:');
  for (const [name, value] of rows) say(`  ${name.padEnd(15)} ${value}`);
  say(
    `try: curl -s -X POST ${status.orderUrl ?? ''}/orders -H 'content-type: application/json' -d '{"userId":"alice","amount":120}'`,
  );
  say('     npm run demo   (in another terminal)      Ctrl-C stops everything');
  say(`ready control=${controlUrl}`);
}

async function main(): Promise<number> {
  const options = resolveLauncherOptions(launcherOptionsFromEnv(process.env));
  await mkdir(options.dataDir, { recursive: true });
  const stack = new SampleStack(options, write, label);
  const control = new ControlServer(stack);
  let stopping: Promise<number> | null = null;
  const shutdown = (reason: string, code: number): Promise<number> => {
    stopping ??= (async () => {
      say(`${reason}: stopping the services, then the broker`);
      await control.close();
      await stack.stop();
      say('all stopped');
      return code;
    })();
    return stopping;
  };
  process.on('exit', () => stack.killAll());

  const signalled = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      void shutdown(signal, 0).then(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    stack.broker.on('exit', (info) => {
      if (!info.expected && stack.broker.readyMatch !== null)
        void shutdown(`the broker exited (${info.signal ?? `code ${String(info.code)}`})`, 1).then(resolve);
    });
  });
  for (const name of ['order', 'points'] as const) {
    stack.process(name).on('exit', (info) => {
      if (info.expected || stopping !== null) return;
      say(
        `${name} exited unexpectedly (${info.signal ?? `code ${String(info.code)}`}); ` +
          `start it again with: curl -X POST <control API>/services/${name}/start`,
      );
    });
  }

  say(`starting the broker, order-service and points-service (data in ${options.dataDir})`);
  try {
    await stack.start();
    const controlUrl = await control.listen(options.controlPort);
    if (stopping === null) banner(stack, controlUrl, options);
  } catch (error) {
    say(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
    return shutdown('startup failed', 1);
  }
  return signalled;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`launcher: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
