/**
 * Response codes (remoting-protocol.md section 3) and the one table that says what a code means to a
 * sender: `stored` for send codes that still mean "the broker has the message" (2.1.2) and
 * `retryOnAnotherBroker` for the Java producer's default retry set (2.1.2). Error classes derive their
 * `retriable` flag from here; nothing else keeps a list.
 */
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  TOPIC_EXIST_ALREADY: 18,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
  FILTER_DATA_NOT_EXIST: 27,
  FILTER_DATA_NOT_LATEST: 28,
  /** [5.x]; 4.x brokers answer SYSTEM_ERROR for the same cases. */
  INVALID_PARAMETER: 29,
  TRANSACTION_SHOULD_COMMIT: 200,
  TRANSACTION_SHOULD_ROLLBACK: 201,
  TRANSACTION_STATE_UNKNOW: 202,
  TRANSACTION_STATE_GROUP_WRONG: 203,
  NO_BUYER_ID: 204,
  NOT_IN_CURRENT_UNIT: 205,
  CONSUMER_NOT_ONLINE: 206,
  CONSUME_MSG_TIMEOUT: 207,
  NO_MESSAGE: 208,
  /** [5.x] name; 4.x used 209 for UPDATE_AND_CREATE_ACL_CONFIG_FAILED. */
  POLLING_FULL: 209,
  /** [5.x] name; 4.x used 210 for DELETE_ACL_CONFIG_FAILED. */
  POLLING_TIMEOUT: 210,
  /** [5.x] name; 4.x used 211 for UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED. */
  BROKER_NOT_EXIST: 211,
  BROKER_DISPATCH_NOT_COMPLETE: 212,
  BROADCAST_CONSUMPTION: 213,
  FLOW_CONTROL: 215,
  NOT_LEADER_FOR_QUEUE: 501,
  ILLEGAL_OPERATION: 604,
  GO_AWAY: 1500,
  CONTROLLER_FENCED_MASTER_EPOCH: 2000,
  CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH: 2001,
  CONTROLLER_INVALID_MASTER: 2002,
  CONTROLLER_INVALID_REPLICAS: 2003,
  CONTROLLER_MASTER_NOT_AVAILABLE: 2004,
  CONTROLLER_INVALID_REQUEST: 2005,
  CONTROLLER_BROKER_NOT_ALIVE: 2006,
  CONTROLLER_NOT_LEADER: 2007,
  CONTROLLER_BROKER_METADATA_NOT_EXIST: 2008,
  CONTROLLER_INVALID_CLEAN_BROKER_METADATA: 2009,
  CONTROLLER_BROKER_NEED_TO_BE_REGISTERED: 2010,
  CONTROLLER_MASTER_STILL_EXIST: 2011,
  CONTROLLER_ELECT_MASTER_FAILED: 2012,
  CONTROLLER_ALTER_SYNC_STATE_SET_FAILED: 2013,
  CONTROLLER_BROKER_ID_INVALID: 2014,
  CONTROLLER_JRAFT_INTERNAL_ERROR: 2015,
  CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS: 2016,
  USER_NOT_EXIST: 3001,
  POLICY_NOT_EXIST: 3002,
  /** Client-local only, never on the wire. */
  RPC_UNKNOWN: -1000,
  RPC_ADDR_IS_NULL: -1002,
  RPC_SEND_TO_CHANNEL_FAILED: -1004,
  RPC_TIME_OUT: -1006,
} as const;

export type ResponseCodeName = keyof typeof ResponseCode;

/** 4.x meanings of 209-211 (section 3 notes): never use them for control flow. */
export const RESPONSE_CODE_4X_ALIASES: Readonly<Record<number, string>> = Object.freeze({
  209: 'UPDATE_AND_CREATE_ACL_CONFIG_FAILED',
  210: 'DELETE_ACL_CONFIG_FAILED',
  211: 'UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED',
});

const RESPONSE_CODE_NAMES: ReadonlyMap<number, ResponseCodeName> = new Map(
  (Object.keys(ResponseCode) as ResponseCodeName[]).map((name) => [ResponseCode[name], name]),
);

/** Name of a response code (5.x names for 209-211), or undefined. */
export function responseCodeName(code: number): ResponseCodeName | undefined {
  return RESPONSE_CODE_NAMES.get(code);
}

export interface ResponseCodeTraits {
  /** A send answered with this code stored the message (SendStatus other than an exception). */
  readonly stored: boolean;
  /** The Java producer retries a send answered with this code on another broker. */
  readonly retryOnAnotherBroker: boolean;
}

const NOT_STORED: ResponseCodeTraits = Object.freeze({ stored: false, retryOnAnotherBroker: false });

/** The single table (2.1.2). Codes absent here are neither stored nor retried. */
export const RESPONSE_CODE_TRAITS: ReadonlyMap<number, ResponseCodeTraits> = new Map<number, ResponseCodeTraits>([
  [ResponseCode.SUCCESS, Object.freeze({ stored: true, retryOnAnotherBroker: false })],
  [ResponseCode.FLUSH_DISK_TIMEOUT, Object.freeze({ stored: true, retryOnAnotherBroker: false })],
  [ResponseCode.SLAVE_NOT_AVAILABLE, Object.freeze({ stored: true, retryOnAnotherBroker: false })],
  [ResponseCode.FLUSH_SLAVE_TIMEOUT, Object.freeze({ stored: true, retryOnAnotherBroker: false })],
  [ResponseCode.TOPIC_NOT_EXIST, Object.freeze({ stored: false, retryOnAnotherBroker: true })],
  [ResponseCode.SERVICE_NOT_AVAILABLE, Object.freeze({ stored: false, retryOnAnotherBroker: true })],
  [ResponseCode.SYSTEM_ERROR, Object.freeze({ stored: false, retryOnAnotherBroker: true })],
  [ResponseCode.SYSTEM_BUSY, Object.freeze({ stored: false, retryOnAnotherBroker: true })],
  [ResponseCode.NO_PERMISSION, Object.freeze({ stored: false, retryOnAnotherBroker: true })],
  [ResponseCode.NO_BUYER_ID, Object.freeze({ stored: false, retryOnAnotherBroker: true })],
  [ResponseCode.NOT_IN_CURRENT_UNIT, Object.freeze({ stored: false, retryOnAnotherBroker: true })],
  [ResponseCode.GO_AWAY, Object.freeze({ stored: false, retryOnAnotherBroker: true })],
]);

export function responseCodeTraits(code: number): ResponseCodeTraits {
  return RESPONSE_CODE_TRAITS.get(code) ?? NOT_STORED;
}

/** Send codes 0/10/11/12: the message is stored, decode SendMessageResponseHeader. */
export function isSendStored(code: number): boolean {
  return responseCodeTraits(code).stored;
}

/** The Java producer's default retry-on-another-broker set (network errors are retried too). */
export function isRetriableSendCode(code: number): boolean {
  return responseCodeTraits(code).retryOnAnotherBroker;
}
