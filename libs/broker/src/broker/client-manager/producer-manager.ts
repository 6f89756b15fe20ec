/**
 * Producer groups (broker-semantics.md 3.1, 6.5; ProducerManager upstream): who to call back for
 * transaction checks (round robin over live channels of the group) and where to push request-reply
 * responses (by client id).
 */
import type { RemotingConnection } from '@rocketnest/remoting';
import type { ClientChannelInfo } from './client-channel.js';

export class ProducerManager {
  private readonly groups = new Map<string, Map<RemotingConnection, ClientChannelInfo>>();
  private readonly byClientId = new Map<string, RemotingConnection>();
  private roundRobin = 0;

  register(group: string, channel: ClientChannelInfo): void {
    let members = this.groups.get(group);
    if (members === undefined) {
      members = new Map();
      this.groups.set(group, members);
    }
    const existing = members.get(channel.connection);
    if (existing === undefined) members.set(channel.connection, channel);
    else existing.lastUpdateTimestamp = channel.lastUpdateTimestamp;
    this.byClientId.set(channel.clientId, channel.connection);
  }

  unregister(group: string, connection: RemotingConnection): boolean {
    const members = this.groups.get(group);
    const channel = members?.get(connection);
    if (members === undefined || channel === undefined) return false;
    members.delete(connection);
    if (members.size === 0) this.groups.delete(group);
    if (this.byClientId.get(channel.clientId) === connection && !this.isMemberAnywhere(connection)) {
      this.byClientId.delete(channel.clientId);
    }
    return true;
  }

  removeConnection(connection: RemotingConnection): void {
    for (const group of [...this.groups.keys()]) this.unregister(group, connection);
    for (const [clientId, c] of [...this.byClientId]) if (c === connection) this.byClientId.delete(clientId);
  }

  removeExpired(now: number, timeoutMs: number): RemotingConnection[] {
    const removed: RemotingConnection[] = [];
    for (const [group, members] of [...this.groups]) {
      for (const [connection, channel] of [...members]) {
        if (now - channel.lastUpdateTimestamp > timeoutMs) {
          this.unregister(group, connection);
          removed.push(connection);
        }
      }
    }
    return removed;
  }

  members(group: string): ClientChannelInfo[] {
    return [...(this.groups.get(group)?.values() ?? [])];
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** A live, writable channel of the group, taken round robin (6.5); undefined when none is connected. */
  availableChannel(group: string): RemotingConnection | undefined {
    const members = [...(this.groups.get(group)?.keys() ?? [])].filter((c) => !c.isClosed);
    if (members.length === 0) return undefined;
    for (let attempt = 0; attempt < members.length; attempt++) {
      const candidate = members[this.roundRobin++ % members.length]!;
      if (candidate.isWritable) return candidate;
    }
    return members[members.length - 1];
  }

  findByClientId(clientId: string): RemotingConnection | undefined {
    const connection = this.byClientId.get(clientId);
    return connection === undefined || connection.isClosed ? undefined : connection;
  }

  private isMemberAnywhere(connection: RemotingConnection): boolean {
    for (const members of this.groups.values()) if (members.has(connection)) return true;
    return false;
  }
}
