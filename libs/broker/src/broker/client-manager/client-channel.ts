import type { LanguageName } from '@rocketnest/protocol';
import type { RemotingConnection } from '@rocketnest/remoting';

/** One client connection as a member of a producer or consumer group (ClientChannelInfo upstream). */
export interface ClientChannelInfo {
  readonly connection: RemotingConnection;
  clientId: string;
  language: LanguageName;
  version: number;
  lastUpdateTimestamp: number;
}
