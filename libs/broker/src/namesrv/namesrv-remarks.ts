/** Remarks of NameServer answers, in Java's words (clients and tools match some of them). */

const FAQ_SUFFIX = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

/** GET_ROUTEINFO_BY_TOPIC for an unknown topic (TOPIC_NOT_EXIST). */
export function topicRouteNotExistRemark(topic: string): string {
  return `No topic route info in name server for the topic: ${topic}${FAQ_SUFFIX}`;
}

/** REGISTER_BROKER whose body does not match `bodyCrc32`. */
export const CRC32_NOT_MATCH_REMARK = 'crc32 not match';

/** Topic list requests turned off by configuration. */
export const DISABLE_REMARK = 'disable';

export function kvConfigNotFoundRemark(namespace: string, key?: string): string {
  return key === undefined
    ? `No config item, Namespace: ${namespace}`
    : `No config item, Namespace: ${namespace} Key: ${key}`;
}

/** UPDATE_NAMESRV_CONFIG naming a key of the black list (NO_PERMISSION). */
export const CONFIG_BLACK_LIST_REMARK = 'Can not update config in black list.';

/** UPDATE_NAMESRV_CONFIG whose body is not properties text. */
export const STRING_TO_PROPERTIES_ERROR_REMARK = 'string2Properties error';
