/**
 * What every demo step works with: the services' HTTP APIs, the launcher's control API, a broker probe,
 * the narrator, sizes, and a run id that keeps the users and orders of this run apart from earlier ones
 * (the data folder is kept between runs).
 */
import { BrokerProbe } from './broker-probe.js';
import { ControlApi, OrderApi, PointsApi } from './http-api.js';
import { Narrator } from './narrator.js';

export interface DemoSettings {
  /** Orders (created and paid) in the peak-shaving burst. */
  burstOrders?: number;
  /** Users the orders of a step are spread over. */
  users?: number;
  /** HTTP requests in flight at once. */
  httpConcurrency?: number;
  /** Orders placed while points-service is stopped. */
  decouplingOrders?: number;
  /** Orders taken through their whole life at once in the ordered-flow step. */
  orderedOrders?: number;
  /** Longest wait for an asynchronous outcome (backlog drained, check-back answered...). */
  settleTimeoutMs?: number;
}

export type ResolvedDemoSettings = Readonly<Required<DemoSettings>>;

export const DEFAULT_DEMO_SETTINGS: ResolvedDemoSettings = Object.freeze({
  burstOrders: 200,
  users: 10,
  httpConcurrency: 16,
  decouplingOrders: 40,
  orderedOrders: 40,
  settleTimeoutMs: 60_000,
});

export interface DemoContext {
  readonly orders: OrderApi;
  readonly points: PointsApi;
  readonly control: ControlApi;
  readonly broker: BrokerProbe;
  readonly narrator: Narrator;
  readonly settings: ResolvedDemoSettings;
  /** Prefix of this run's user and order ids. */
  readonly runId: string;
  /** The consumer group and topic whose backlog is the points backlog. */
  readonly pointsGroup: string;
  readonly topic: string;
}

/** Asks the launcher where everything is and connects to the broker. */
export async function connectDemo(
  controlUrl: string,
  settings: DemoSettings = {},
  narrator: Narrator = new Narrator(),
): Promise<DemoContext> {
  const control = new ControlApi(controlUrl);
  const status = await control.status();
  if (status.orderUrl === undefined || status.pointsUrl === undefined || status.namesrvAddr === undefined)
    throw new Error(`the launcher at ${controlUrl} has not started everything yet`);
  const broker = new BrokerProbe(status.namesrvAddr);
  await broker.start();
  const merged: Record<string, unknown> = { ...DEFAULT_DEMO_SETTINGS };
  for (const [key, value] of Object.entries(settings)) if (value !== undefined) merged[key] = value;
  return {
    orders: new OrderApi(status.orderUrl),
    points: new PointsApi(status.pointsUrl),
    control,
    broker,
    narrator,
    settings: Object.freeze(merged as ResolvedDemoSettings),
    runId: `r${Date.now().toString(36)}`,
    pointsGroup: 'points-service',
    topic: 'order',
  };
}
