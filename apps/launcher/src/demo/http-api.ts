/**
 * Thin HTTP clients of the two sample services and of the launcher's control API, as the demo and the
 * end-to-end tests use them. Answers are returned with their status; transport failures (a service that is
 * down, or dies mid-request) come back as status 0 with the error text.
 */
import type { StackStatus, ServiceName } from '../supervisor/sample-stack.js';

export interface ApiAnswer<T> {
  /** HTTP status, 0 when no answer came (connection refused or reset). */
  status: number;
  body: T | undefined;
  error?: string;
}

export interface OrderView {
  orderId: string;
  userId: string;
  amount: number;
  status: 'created' | 'paid' | 'shipped' | 'completed' | 'refunded';
  version: number;
  creationState: 'pending' | 'committed';
  history: Array<{ version: number; status: string; at: number }>;
}

export interface CheckView {
  orderId: string;
  creationId: string;
  decision: 'commit' | 'rollback' | 'unknown';
  at: number;
}

export interface UserPointsView {
  userId: string;
  points: number;
  entries: Array<{ orderId: string; kind: 'award' | 'takeback'; points: number; at: number }>;
}

export interface PointsStatsView {
  users: number;
  awards: number;
  takebacks: number;
  points: number;
  duplicatesSkipped: number;
  maxConsumeRatePerSecond: number;
  concurrency: number;
}

const TIMEOUT_MS = 15_000;
/** Starting a service may take a while (it prints its ready line once the broker knows it). */
const CONTROL_TIMEOUT_MS = 90_000;

async function call<T>(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  timeoutMs = TIMEOUT_MS,
): Promise<ApiAnswer<T>> {
  try {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed as T };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, body: undefined, error: cause?.code ?? cause?.message ?? String(error) };
  }
}

export class OrderApi {
  constructor(readonly baseUrl: string) {}

  create(order: { userId: string; amount: number; orderId?: string }, fault?: string): Promise<ApiAnswer<OrderView>> {
    const query = fault === undefined ? '' : `?fault=${encodeURIComponent(fault)}`;
    return call('POST', `${this.baseUrl}/orders${query}`, order);
  }

  get(orderId: string): Promise<ApiAnswer<OrderView>> {
    return call('GET', `${this.baseUrl}/orders/${encodeURIComponent(orderId)}`);
  }

  checks(orderId: string): Promise<ApiAnswer<CheckView[]>> {
    return call('GET', `${this.baseUrl}/orders/${encodeURIComponent(orderId)}/checks`);
  }

  act(orderId: string, action: 'pay' | 'ship' | 'complete' | 'refund'): Promise<ApiAnswer<OrderView>> {
    return call('POST', `${this.baseUrl}/orders/${encodeURIComponent(orderId)}/${action}`);
  }
}

export class PointsApi {
  constructor(readonly baseUrl: string) {}

  points(userId: string): Promise<ApiAnswer<UserPointsView>> {
    return call('GET', `${this.baseUrl}/users/${encodeURIComponent(userId)}/points`);
  }

  stats(): Promise<ApiAnswer<PointsStatsView>> {
    return call('GET', `${this.baseUrl}/stats`);
  }
}

/** The launcher's control API. */
export class ControlApi {
  constructor(readonly baseUrl: string) {}

  async status(): Promise<StackStatus> {
    const answer = await call<StackStatus>('GET', `${this.baseUrl}/`);
    if (answer.status !== 200 || answer.body === undefined)
      throw new Error(`launcher control API at ${this.baseUrl} did not answer (${answer.error ?? answer.status})`);
    return answer.body;
  }

  async start(name: ServiceName): Promise<StackStatus> {
    return this.command(name, 'start');
  }

  async stop(name: ServiceName): Promise<StackStatus> {
    return this.command(name, 'stop');
  }

  private async command(name: ServiceName, command: 'start' | 'stop'): Promise<StackStatus> {
    const answer = await call<StackStatus & { error?: string }>(
      'POST',
      `${this.baseUrl}/services/${name}/${command}`,
      undefined,
      CONTROL_TIMEOUT_MS,
    );
    if (answer.status !== 200 || answer.body === undefined)
      throw new Error(`${command} ${name} failed: ${answer.body?.error ?? answer.error ?? String(answer.status)}`);
    return answer.body;
  }
}
