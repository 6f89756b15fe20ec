/**
 * Long polling (broker-semantics.md 2.6; PullRequestHoldService upstream). A pull that found nothing is held
 * under `topic@queueId` and re-executed when a matching message is dispatched, when the periodic check sees
 * the queue grew, or when its suspend time is over (then it normally answers PULL_NOT_FOUND). The
 * re-execution answers on the original connection with the original opaque.
 */
import type { Logger, RemotingCommand } from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';
import type { MessageStore } from '@rocketnest/store';

export interface HeldPull {
  readonly request: RemotingCommand;
  readonly connection: RemotingConnection;
  readonly topic: string;
  readonly queueId: number;
  /** The queue offset the pull asked for: wake once the queue's max offset passes it. */
  readonly pullFromOffset: number;
  readonly suspendedAt: number;
  readonly timeoutMs: number;
  /** Whether a new message with this tagsCode could match (no tagsCode: assume it does). */
  readonly matches: (tagsCode: number | undefined) => boolean;
}

/** Runs a held pull again, without suspension and without committing an offset, and writes the answer. */
export type PullReExecutor = (held: HeldPull) => void;

export class PullRequestHoldService {
  private readonly held = new Map<string, HeldPull[]>();
  private timer: NodeJS.Timeout | null = null;
  private reExecute: PullReExecutor | null = null;

  constructor(
    private readonly store: MessageStore,
    private readonly checkIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(reExecute: PullReExecutor): void {
    this.reExecute = reExecute;
    this.timer = setInterval(() => this.checkAll(), this.checkIntervalMs);
    this.timer.unref();
  }

  get size(): number {
    let n = 0;
    for (const list of this.held.values()) n += list.length;
    return n;
  }

  hold(pull: HeldPull): void {
    const key = `${pull.topic}@${pull.queueId}`;
    const list = this.held.get(key);
    if (list === undefined) this.held.set(key, [pull]);
    else list.push(pull);
    // A message may have landed between the store lookup and now.
    const max = this.store.getMaxOffsetInQueue(pull.topic, pull.queueId);
    if (max > pull.pullFromOffset) {
      this.notify(pull.topic, pull.queueId, max, undefined);
      return;
    }
    // Answer at the requested suspend time, not at the next periodic check (up to 5 s later).
    const timer = setTimeout(() => {
      this.notify(pull.topic, pull.queueId, this.store.getMaxOffsetInQueue(pull.topic, pull.queueId), undefined);
    }, pull.timeoutMs + 1);
    timer.unref();
  }

  /** Wakes the pulls held on (topic, queueId) that the new max offset and tagsCode satisfy. */
  notify(topic: string, queueId: number, maxOffset: number, tagsCode: number | undefined): void {
    const key = `${topic}@${queueId}`;
    const list = this.held.get(key);
    if (list === undefined) return;
    const now = Date.now();
    const keep: HeldPull[] = [];
    const wake: HeldPull[] = [];
    for (const pull of list) {
      if (pull.connection.isClosed) continue;
      if ((maxOffset > pull.pullFromOffset && pull.matches(tagsCode)) || now >= pull.suspendedAt + pull.timeoutMs) {
        wake.push(pull);
      } else {
        keep.push(pull);
      }
    }
    if (keep.length === 0) this.held.delete(key);
    else this.held.set(key, keep);
    for (const pull of wake) this.run(pull);
  }

  /** Drops the pulls of a closed connection. */
  removeConnection(connection: RemotingConnection): void {
    for (const [key, list] of [...this.held]) {
      const keep = list.filter((pull) => pull.connection !== connection);
      if (keep.length === 0) this.held.delete(key);
      else this.held.set(key, keep);
    }
  }

  /** Periodic check: every held pull sees the current max offset (no tag info) or its timeout. */
  checkAll(): void {
    for (const key of [...this.held.keys()]) {
      const list = this.held.get(key);
      if (list === undefined || list.length === 0) continue;
      const { topic, queueId } = list[0]!;
      this.notify(topic, queueId, this.store.getMaxOffsetInQueue(topic, queueId), undefined);
    }
  }

  /** Answers every held pull now (shutdown): they re-run once and answer what is there. */
  wakeAll(): void {
    const all = [...this.held.values()].flat();
    this.held.clear();
    for (const pull of all) this.run(pull);
  }

  shutdown(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.wakeAll();
  }

  private run(pull: HeldPull): void {
    if (this.reExecute === null) return;
    try {
      this.reExecute(pull);
    } catch (error) {
      this.logger.error('held pull failed', { topic: pull.topic, queueId: pull.queueId, error: String(error) });
    }
  }
}
