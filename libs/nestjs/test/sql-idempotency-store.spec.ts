import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RocketMQConfigurationError, SqlIdempotencyStore } from '@rocketnest/nestjs';

let dir: string;
let file: string;
const open: Database.Database[] = [];

function connect(): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  db.exec('CREATE TABLE IF NOT EXISTS ledger (user_id TEXT NOT NULL, points INTEGER NOT NULL)');
  open.push(db);
  return db;
}

const credit = (db: Database.Database, userId: string, points: number) =>
  db.prepare('INSERT INTO ledger (user_id, points) VALUES (?, ?)').run(userId, points);
const total = (db: Database.Database): number =>
  (db.prepare('SELECT COALESCE(SUM(points), 0) AS total FROM ledger').get() as { total: number }).total;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rocketnest-idem-'));
  file = path.join(dir, 'app.db');
});

afterEach(async () => {
  for (const db of open.splice(0)) db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SqlIdempotencyStore in scope mode', () => {
  it('commits the handler writes and the mark together; a redelivery is a no-op', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db, { mode: 'scope' });
    const deliver = () =>
      store.runOnce('points:m1', async (scope) => {
        await Promise.resolve(); // async preparation happens outside the transaction
        return scope.transaction(() => credit(db, 'u1', 10).changes);
      });
    expect(await deliver()).toEqual({ duplicate: false, value: 1 });
    expect(await deliver()).toEqual({ duplicate: true, value: undefined });
    expect(total(db)).toBe(10);
    expect(store.duplicatesSkipped).toBe(1);
  });

  it('rolls back writes and mark together when the work throws, so the redelivery does it once', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db, { mode: 'scope' });
    await expect(
      store.runOnce('k', async (scope) =>
        scope.transaction(() => {
          credit(db, 'u1', 10);
          throw new Error('constraint');
        }),
      ),
    ).rejects.toThrow('constraint');
    expect(total(db)).toBe(0);
    expect(store.isProcessed('k')).toBe(false);
    await store.runOnce('k', async (scope) => scope.transaction(() => credit(db, 'u1', 10)));
    expect(total(db)).toBe(10);
  });

  it('skips a redelivery after a crash between commit and ack, across a reopened database', async () => {
    const first = connect();
    const before = new SqlIdempotencyStore(first, { mode: 'scope' });
    // The handler committed, then the process died before the broker ack: the broker redelivers.
    await expect(
      before.runOnce('k', async (scope) => {
        scope.transaction(() => credit(first, 'u1', 10));
        throw new Error('crash before ack');
      }),
    ).rejects.toThrow('crash before ack');
    first.close();
    open.splice(open.indexOf(first), 1);

    const db = connect();
    const after = new SqlIdempotencyStore(db, { mode: 'scope' });
    let ran = false;
    expect(
      await after.runOnce('k', async (scope) =>
        scope.transaction(() => {
          ran = true;
          credit(db, 'u1', 10);
        }),
      ),
    ).toEqual({ duplicate: true, value: undefined });
    expect(ran).toBe(false);
    expect(total(db)).toBe(10);
    expect(after.duplicatesSkipped).toBe(1);
  });

  it('lets only one of two connections apply a key; the loser’s writes roll back', async () => {
    const a = connect();
    const b = connect();
    const storeA = new SqlIdempotencyStore(a, { mode: 'scope' });
    const storeB = new SqlIdempotencyStore(b, { mode: 'scope' });
    let releaseA: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    // Both pass the fast check before either commits (two processes, same message).
    const slow = storeA.runOnce('k', async (scope) => {
      await gate;
      return scope.transaction(() => credit(a, 'u1', 10));
    });
    const fast = storeB.runOnce('k', async (scope) => scope.transaction(() => credit(b, 'u1', 10)));
    expect((await fast).duplicate).toBe(false);
    releaseA();
    expect((await slow).duplicate).toBe(true);
    expect(total(a)).toBe(10);
    expect(storeA.duplicatesSkipped).toBe(1);
  });

  it('refuses async work inside the transaction and rolls it back', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db, { mode: 'scope' });
    await expect(
      store.runOnce('k', async (scope) =>
        scope.transaction(() => {
          credit(db, 'u1', 1);
          return Promise.resolve();
        }),
      ),
    ).rejects.toThrow(/synchronous/);
    expect(total(db)).toBe(0);
    expect(store.isProcessed('k')).toBe(false);
    expect(db.inTransaction).toBe(false);
  });

  it('nests a handler’s own db.transaction() inside the scope as a savepoint', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db, { mode: 'scope' });
    const creditTwice = db.transaction(() => {
      credit(db, 'u1', 1);
      credit(db, 'u2', 2);
    });
    await store.runOnce('k', async (scope) => scope.transaction(() => creditTwice()));
    expect(total(db)).toBe(3);
    expect(store.isProcessed('k')).toBe(true);
  });

  it('marks after success when the handler never opens the scope', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db, { mode: 'scope' });
    await store.runOnce('k', async () => credit(db, 'u1', 5));
    expect(store.isProcessed('k')).toBe(true);
    await expect(store.runOnce('f', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(store.isProcessed('f')).toBe(false);
  });

  it('purges old keys and validates its table name', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db, { table: 'processed', mode: 'scope' });
    await store.runOnce('old', async () => undefined);
    db.prepare('UPDATE processed SET processed_at = processed_at - 10000').run();
    await store.runOnce('new', async () => undefined);
    expect(store.purgeOlderThan(5000)).toBe(1);
    expect(store.isProcessed('old')).toBe(false);
    expect(store.isProcessed('new')).toBe(true);
    expect(() => new SqlIdempotencyStore(db, { table: 'x; DROP TABLE ledger' })).toThrow(RocketMQConfigurationError);
  });
});

describe('SqlIdempotencyStore in delivery mode (default)', () => {
  it('commits whatever the handler wrote through the store’s connection with the mark, awaits included', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db);
    expect(store.mode).toBe('delivery');
    const deliver = () =>
      store.runOnce('k', async () => {
        credit(db, 'u1', 4);
        await new Promise((resolve) => setTimeout(resolve, 5));
        credit(db, 'u1', 6);
        return 'done';
      });
    expect(await deliver()).toEqual({ duplicate: false, value: 'done' });
    expect(await deliver()).toEqual({ duplicate: true, value: undefined });
    expect(total(db)).toBe(10);
    expect(db.inTransaction).toBe(false);
  });

  it('rolls back every write of a failed delivery with its mark, so the redelivery does the work once', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db);
    await expect(
      store.runOnce('k', async () => {
        credit(db, 'u1', 10);
        throw new Error('failed after writing');
      }),
    ).rejects.toThrow('failed after writing');
    expect(total(db)).toBe(0);
    expect(store.isProcessed('k')).toBe(false);
    await store.runOnce('k', async () => credit(db, 'u1', 10));
    expect(total(db)).toBe(10);
  });

  it('runs deliveries one at a time on the connection', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db);
    const order: string[] = [];
    const slow = store.runOnce('a', async () => {
      order.push('a:start');
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('a:end');
    });
    const fast = store.runOnce('b', async () => {
      order.push('b:start');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start']);
  });

  it('lets the scope run its work inside the delivery transaction, still once per delivery', async () => {
    const db = connect();
    const store = new SqlIdempotencyStore(db);
    await store.runOnce('k', async (scope) => scope.transaction(() => credit(db, 'u1', 3)));
    expect(total(db)).toBe(3);
    await expect(
      store.runOnce('k2', async (scope) => {
        scope.transaction(() => credit(db, 'u2', 1));
        scope.transaction(() => credit(db, 'u2', 1));
      }),
    ).rejects.toThrow(RocketMQConfigurationError);
    expect(total(db)).toBe(3);
  });

  it('skips a key already marked by another process without opening the handler', async () => {
    const other = new SqlIdempotencyStore(connect(), { mode: 'scope' });
    await other.runOnce('k', async () => undefined);
    const db = connect();
    const store = new SqlIdempotencyStore(db);
    let ran = false;
    expect(
      await store.runOnce('k', async () => {
        ran = true;
      }),
    ).toEqual({ duplicate: true, value: undefined });
    expect(ran).toBe(false);
    expect(() => new SqlIdempotencyStore(db, { mode: 'other' as 'scope' })).toThrow(RocketMQConfigurationError);
  });
});
