/**
 * Records real Apache RocketMQ traffic and writes the fixtures in interop/fixtures/.
 *
 *   bash interop/capture/capture.sh
 *
 * Starts the reference cluster with a capturing proxy in front of the NameServer (clients and the broker's
 * REGISTER_BROKER go through it) and one in front of the broker (route data from the NameServer is rewritten to
 * point there), runs the Java driver through them (5.x JSON, 5.x ROCKETMQ serialization, 4.9.x JSON), then
 * picks one real frame per fixture. All traffic stays on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApacheUnavailableError, startApacheCluster, type ApacheCluster } from '../apache/cluster.js';
import { findInteropDir } from '../apache/distribution-cache.js';
import { bodyOf, countMessages, inspectFrame, type FrameSummary } from './frame-inspector.js';
import { startCaptureProxy, type CaptureProxy, type CapturedFrame, type Substitution } from './proxy.js';

const EXIT_SKIPPED = 3;
const APACHE_SERVER = 'Apache RocketMQ 5.5.0 (NameServer + Broker, Java 17)';
const PHASE_STARTUP = 'Apache RocketMQ 5.5.0 broker';
const PHASE_5_JSON = 'Apache rocketmq-client 5.5.0 (Java), JSON headers';
const PHASE_5_ROCKETMQ = 'Apache rocketmq-client 5.5.0 (Java), -Drocketmq.serialize.type=ROCKETMQ';
const PHASE_4_JSON = 'Apache rocketmq-client 4.9.8 (Java), JSON headers';

interface Entry {
  readonly index: number;
  readonly captured: CapturedFrame;
  readonly summary: FrameSummary;
}

function runDriver(
  interopDir: string,
  namesrv: string,
  clientLine: '5' | '4',
  javaOpts: string,
  checks: readonly string[],
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      'bash',
      [path.join(interopDir, 'java-driver', 'run-driver.sh'), '--client', clientLine, '-n', namesrv, ...checks],
      { stdio: 'inherit', env: { ...process.env, DRIVER_JAVA_OPTS: javaOpts } },
    );
    child.once('exit', (code) => resolve(code ?? 1));
    child.once('error', () => resolve(1));
  });
}

const isRequest = (e: Entry): boolean => (e.summary.flag & 1) === 0;

class FixtureWriter {
  private readonly written: string[] = [];

  constructor(
    private readonly entries: readonly Entry[],
    private readonly dir: string,
  ) {}

  find(predicate: (entry: Entry) => boolean): Entry | undefined {
    return this.entries.find(predicate);
  }

  responseTo(request: Entry): Entry | undefined {
    return this.entries.find(
      (e) =>
        e.index > request.index &&
        e.captured.label === request.captured.label &&
        e.captured.connection === request.captured.connection &&
        e.captured.direction !== request.captured.direction &&
        (e.summary.flag & 1) === 1 &&
        e.summary.opaque === request.summary.opaque,
    );
  }

  async write(name: string, description: string, direction: string, entry: Entry, pairedWith?: string): Promise<void> {
    const s = entry.summary;
    const fixture = {
      name,
      description,
      direction,
      client: entry.captured.phase,
      server: APACHE_SERVER,
      capturedAt: new Date(entry.captured.atMs).toISOString(),
      serializeType: s.serializeType,
      code: s.code,
      flag: s.flag,
      opaque: s.opaque,
      language: s.language,
      version: s.version,
      remark: s.remark,
      extFields: s.extFields,
      frameLength: entry.captured.frame.length,
      headerLength: s.headerLength,
      bodyLength: s.bodyLength,
      ...(pairedWith === undefined ? {} : { pairedWith }),
      hex: entry.captured.frame.toString('hex'),
    };
    await writeFile(path.join(this.dir, `${name}.json`), JSON.stringify(fixture, null, 2) + '\n');
    this.written.push(name);
  }

  /** A request and, when it has one, its response. Missing frames are reported, not fatal. */
  async pair(
    name: string,
    description: string,
    directions: readonly [string, string],
    predicate: (entry: Entry) => boolean,
    responsePredicate: (response: Entry) => boolean = (): boolean => true,
    withResponse = true,
  ): Promise<void> {
    for (const request of this.entries.filter((e) => isRequest(e) && predicate(e))) {
      const response = withResponse ? this.responseTo(request) : undefined;
      if (withResponse && (response === undefined || !responsePredicate(response))) continue;
      await this.write(
        `${name}.request`,
        description,
        directions[0],
        request,
        withResponse ? `${name}.response` : undefined,
      );
      if (response !== undefined) {
        await this.write(`${name}.response`, `Response to ${name}.request`, directions[1], response, `${name}.request`);
      }
      return;
    }
    console.log(`MISSING fixture ${name}`);
  }

  get names(): readonly string[] {
    return this.written;
  }
}

async function selectFixtures(entries: readonly Entry[], dir: string): Promise<readonly string[]> {
  await mkdir(dir, { recursive: true });
  for (const file of await readdir(dir)) if (file.endsWith('.json')) await rm(path.join(dir, file));
  const w = new FixtureWriter(entries, dir);
  const toBroker: [string, string] = ['client->broker', 'broker->client'];
  const toNamesrv: [string, string] = ['client->namesrv', 'namesrv->client'];
  const json5 = (e: Entry): boolean => e.captured.phase === PHASE_5_JSON;
  const onBroker = (e: Entry): boolean => e.captured.label === 'broker';
  const topicStarts = (e: Entry, prefix: string): boolean =>
    (e.summary.extFields.topic ?? e.summary.extFields.b ?? '').startsWith(prefix);
  const hasConsumerData = (e: Entry): boolean => bodyOf(e.captured.frame).includes('"consumerDataSet":[{');

  await w.pair(
    'heart-beat.push-consumer',
    'HEART_BEAT (34) from a push consumer (clustering, concurrent) with its consumerDataSet, JSON body; SUCCESS response',
    toBroker,
    (e) => json5(e) && onBroker(e) && e.summary.code === 34 && hasConsumerData(e),
  );
  await w.pair(
    'send-message-v2',
    'SEND_MESSAGE_V2 (310) sync send of a small message with tag TagA and a key; SUCCESS response header (msgId, queueId, queueOffset...)',
    toBroker,
    (e) => json5(e) && e.summary.code === 310 && topicStarts(e, 'T_producer_sync'),
    (r) => r.summary.code === 0,
  );
  await w.pair(
    'send-batch-message',
    'SEND_BATCH_MESSAGE (320): 4 messages (tag TagB, keys bkey-0..3) in one batch body; SUCCESS response (comma-joined msgIds)',
    toBroker,
    (e) => json5(e) && e.summary.code === 320,
    (r) => r.summary.code === 0,
  );
  await w.pair(
    'pull-message.found',
    'PULL_MESSAGE (11) from a push consumer and a FOUND (SUCCESS) response whose body holds 2+ stored messages',
    toBroker,
    (e) => json5(e) && e.summary.code === 11,
    (r) => r.summary.code === 0 && countMessages(bodyOf(r.captured.frame)) >= 2,
  );
  await w.pair(
    'get-routeinfo-by-topic',
    'GET_ROUTEINFO_BY_TOPIC (105) for a 4-queue business topic; SUCCESS response with TopicRouteData (standard JSON, requester version >= V4_9_4)',
    toNamesrv,
    (e) =>
      json5(e) && e.captured.label === 'namesrv' && e.summary.code === 105 && topicStarts(e, 'T_consumer_concurrent'),
    (r) => r.summary.code === 0,
  );
  await w.pair(
    'get-routeinfo-by-topic.not-exist',
    'GET_ROUTEINFO_BY_TOPIC (105) for a retry topic that does not exist yet; TOPIC_NOT_EXIST (17) response',
    toNamesrv,
    (e) => json5(e) && e.captured.label === 'namesrv' && e.summary.code === 105,
    (r) => r.summary.code === 17,
  );
  await w.pair(
    'query-consumer-offset',
    'QUERY_CONSUMER_OFFSET (14) for a queue of a new consumer group and its response',
    toBroker,
    (e) => json5(e) && e.summary.code === 14,
  );
  await w.pair(
    'lock-batch-mq',
    'LOCK_BATCH_MQ (41) from an orderly push consumer (JSON body with consumerGroup, clientId, mqSet); response with lockOKMQSet',
    toBroker,
    (e) => json5(e) && e.summary.code === 41,
    (r) => r.summary.code === 0,
  );
  await w.pair(
    'end-transaction.commit',
    'END_TRANSACTION (37), one-way, commitOrRollback=8 (COMMIT) after executeLocalTransaction',
    toBroker,
    (e) =>
      json5(e) &&
      e.summary.code === 37 &&
      e.summary.extFields.commitOrRollback === '8' &&
      e.summary.extFields.fromTransactionCheck === 'false',
    undefined,
    false,
  );
  await w.pair(
    'end-transaction.rollback',
    'END_TRANSACTION (37), one-way, commitOrRollback=12 (ROLLBACK) after executeLocalTransaction',
    toBroker,
    (e) => json5(e) && e.summary.code === 37 && e.summary.extFields.commitOrRollback === '12',
    undefined,
    false,
  );
  await w.pair(
    'end-transaction.unknown',
    'END_TRANSACTION (37), one-way, commitOrRollback=0 (NOT_TYPE) for a local transaction that answered UNKNOW',
    toBroker,
    (e) => json5(e) && e.summary.code === 37 && e.summary.extFields.commitOrRollback === '0',
    undefined,
    false,
  );
  await w.pair(
    'end-transaction.from-check',
    'END_TRANSACTION (37), one-way, fromTransactionCheck=true: the producer answering a CHECK_TRANSACTION_STATE with COMMIT',
    toBroker,
    (e) =>
      json5(e) &&
      e.summary.code === 37 &&
      e.summary.extFields.fromTransactionCheck === 'true' &&
      e.summary.extFields.commitOrRollback === '8',
    undefined,
    false,
  );
  const check = w.find(
    (e) =>
      json5(e) && onBroker(e) && e.captured.direction === 'server-to-client' && isRequest(e) && e.summary.code === 39,
  );
  if (check === undefined) console.log('MISSING fixture check-transaction-state');
  else {
    await w.write(
      'check-transaction-state.request',
      'CHECK_TRANSACTION_STATE (39), one-way, broker -> producer; body = the half message (topic restored)',
      'broker->client',
      check,
    );
  }
  await w.pair(
    'consumer-send-msg-back',
    'CONSUMER_SEND_MSG_BACK (36) after a listener returned RECONSUME_LATER (delayLevel 0 = broker picks 3 + reconsumeTimes); SUCCESS response',
    toBroker,
    (e) => json5(e) && e.summary.code === 36,
  );
  await w.pair(
    'register-broker',
    'REGISTER_BROKER (103) from the broker to the NameServer (RegisterBrokerBody) and the NameServer response',
    ['broker->namesrv', 'namesrv->broker'],
    (e) => e.captured.label === 'namesrv' && e.summary.code === 103,
  );
  await w.pair(
    'send-message-v2.rocketmq-serialization',
    'SEND_MESSAGE_V2 (310) with the ROCKETMQ binary header (serType 1), client started with -Drocketmq.serialize.type=ROCKETMQ; the response shows the serialization the 5.x broker answers with',
    toBroker,
    (e) => e.captured.phase === PHASE_5_ROCKETMQ && e.summary.code === 310 && e.summary.serializeType === 'ROCKETMQ',
  );
  await w.pair(
    'heart-beat.rocketmq-serialization',
    'HEART_BEAT (34) with the ROCKETMQ binary header (serType 1) from a 5.5.0 push consumer',
    toBroker,
    (e) =>
      e.captured.phase === PHASE_5_ROCKETMQ &&
      e.summary.code === 34 &&
      e.summary.serializeType === 'ROCKETMQ' &&
      hasConsumerData(e),
  );
  await w.pair(
    'heart-beat.push-consumer.client-4.9.8',
    'HEART_BEAT (34) from a 4.9.8 push consumer (JSON) and the 5.5.0 broker response',
    toBroker,
    (e) => e.captured.phase === PHASE_4_JSON && onBroker(e) && e.summary.code === 34 && hasConsumerData(e),
  );
  await w.pair(
    'send-message-v2.client-4.9.8',
    'SEND_MESSAGE_V2 (310) from a 4.9.8 producer (JSON) and the 5.5.0 broker response',
    toBroker,
    (e) => e.captured.phase === PHASE_4_JSON && e.summary.code === 310,
    (r) => r.summary.code === 0,
  );
  return w.names;
}

async function main(): Promise<number> {
  const interopDir = findInteropDir();
  const captured: CapturedFrame[] = [];
  let phase = PHASE_STARTUP;
  let substitutions: readonly Substitution[] = [];
  const proxies: CaptureProxy[] = [];
  let cluster: ApacheCluster | undefined;
  try {
    cluster = await startApacheCluster({
      messageDelayLevel: Array.from({ length: 18 }, () => '1s').join(' '),
      transactionCheckIntervalMs: 1_000,
      transactionTimeOutMs: 2_000,
      transactionOpBatchIntervalMs: 500,
      log: (line) => console.log(line),
      brokerNamesrvAddr: async (namesrvAddr) => {
        const proxy = await startCaptureProxy({
          label: 'namesrv',
          targetPort: Number(namesrvAddr.split(':')[1]),
          onFrame: (frame) => captured.push(frame),
          phase: () => phase,
          substitutions: () => substitutions,
        });
        proxies.push(proxy);
        return proxy.address;
      },
    });
    const namesrvProxy = proxies[0];
    if (namesrvProxy === undefined) throw new Error('NameServer proxy did not start');
    // Route data names the broker; the rewrite must keep the frame length, so the proxy port needs as many digits.
    let brokerProxy: CaptureProxy | undefined;
    for (let attempt = 0; attempt < 20 && brokerProxy === undefined; attempt += 1) {
      const candidate = await startCaptureProxy({
        label: 'broker',
        targetPort: cluster.brokerPort,
        onFrame: (frame) => captured.push(frame),
        phase: () => phase,
      });
      if (candidate.address.length === cluster.brokerAddr.length) brokerProxy = candidate;
      else await candidate.close();
    }
    if (brokerProxy === undefined) throw new Error('no broker proxy port with the broker port length');
    proxies.push(brokerProxy);
    substitutions = [{ from: cluster.brokerAddr, to: brokerProxy.address }];
    console.log(
      `capturing: namesrv ${cluster.namesrvAddr} via ${namesrvProxy.address}, broker ${cluster.brokerAddr} via ${brokerProxy.address}`,
    );

    const failures: string[] = [];
    phase = PHASE_5_JSON;
    if ((await runDriver(interopDir, namesrvProxy.address, '5', '', [])) !== 0) failures.push('5.x JSON');
    phase = PHASE_5_ROCKETMQ;
    const rocketmq = '-Drocketmq.serialize.type=ROCKETMQ';
    if (
      (await runDriver(interopDir, namesrvProxy.address, '5', rocketmq, ['producer.sync', 'consumer.concurrent'])) !== 0
    ) {
      failures.push('5.x ROCKETMQ');
    }
    phase = PHASE_4_JSON;
    if ((await runDriver(interopDir, namesrvProxy.address, '4', '', ['producer.sync', 'consumer.concurrent'])) !== 0) {
      failures.push('4.9.x JSON');
    }

    const entries: Entry[] = captured.map((frame, index) => ({
      index,
      captured: frame,
      summary: inspectFrame(frame.frame),
    }));
    const targetDir = path.join(interopDir, 'target', 'capture');
    await mkdir(targetDir, { recursive: true });
    const lines = entries.map((e) =>
      JSON.stringify({
        label: e.captured.label,
        connection: e.captured.connection,
        direction: e.captured.direction,
        phase: e.captured.phase,
        serializeType: e.summary.serializeType,
        code: e.summary.code,
        flag: e.summary.flag,
        opaque: e.summary.opaque,
        extFields: e.summary.extFields,
        bodyLength: e.summary.bodyLength,
        hex: e.captured.frame.toString('hex'),
      }),
    );
    await writeFile(path.join(targetDir, 'frames.jsonl'), lines.join('\n') + '\n');
    const names = await selectFixtures(entries, path.join(interopDir, 'fixtures'));
    console.log(
      `captured ${entries.length} frames (all in interop/target/capture/frames.jsonl); wrote ${names.length} fixtures:`,
    );
    for (const name of names) console.log(`  interop/fixtures/${name}.json`);
    if (failures.length > 0) {
      console.log(`driver failures during capture: ${failures.join(', ')}`);
      return 1;
    }
    return 0;
  } catch (error: unknown) {
    if (error instanceof ApacheUnavailableError) {
      console.log(`SKIP capture: ${error.message}`);
      return EXIT_SKIPPED;
    }
    throw error;
  } finally {
    for (const proxy of proxies) await proxy.close();
    if (cluster !== undefined) await cluster.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
