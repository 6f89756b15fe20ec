import { describe, expect, it } from 'vitest';
import {
  buildPullSysFlag,
  clearCommitOffsetFlag,
  DEFAULT_DELAY_LEVELS_MS,
  DEFAULT_TEMPLATE_TOPIC_PERM,
  DEFAULT_TOPIC_PERM,
  dlqTopic,
  groupOfRetryOrDlqTopic,
  isDlqTopic,
  isInherited,
  isNotAllowedSendTopic,
  isReadable,
  isRetriableSendCode,
  isRetryTopic,
  isSendStored,
  isSystemGroup,
  isSystemTopic,
  isValidTopicPerm,
  isWriteable,
  MQVersion,
  mqVersionName,
  mqVersionOrdinal,
  parseDelayLevels,
  parsePullSysFlag,
  perm2String,
  PullSysFlag,
  replyTopic,
  RequestCode,
  requestCodeName,
  RESPONSE_CODE_4X_ALIASES,
  ResponseCode,
  responseCodeName,
  retryTopic,
  validateGroupName,
  validateTopicName,
} from '@rocketnest/protocol';

describe('RequestCode', () => {
  it('has the Appendix A numbers of the codes real clients use', () => {
    expect(RequestCode.SEND_MESSAGE).toBe(10);
    expect(RequestCode.SEND_MESSAGE_V2).toBe(310);
    expect(RequestCode.SEND_BATCH_MESSAGE).toBe(320);
    expect(RequestCode.PULL_MESSAGE).toBe(11);
    expect(RequestCode.LITE_PULL_MESSAGE).toBe(361);
    expect(RequestCode.HEART_BEAT).toBe(34);
    expect(RequestCode.GET_ROUTEINFO_BY_TOPIC).toBe(105);
    expect(RequestCode.BROKER_HEARTBEAT).toBe(904);
    expect(RequestCode.POP_MESSAGE).toBe(200050);
    expect(RequestCode.BATCH_ACK_MESSAGE).toBe(200151);
  });

  it('maps every code to exactly one name', () => {
    const values = Object.values(RequestCode);
    expect(new Set(values).size).toBe(values.length);
    for (const [name, code] of Object.entries(RequestCode)) expect(requestCodeName(code)).toBe(name);
    expect(requestCodeName(9999)).toBeUndefined();
  });
});

describe('ResponseCode', () => {
  it('names codes, preferring the 5.x names for 209-211', () => {
    expect(responseCodeName(0)).toBe('SUCCESS');
    expect(responseCodeName(ResponseCode.FLOW_CONTROL)).toBe('FLOW_CONTROL');
    expect(responseCodeName(209)).toBe('POLLING_FULL');
    expect(RESPONSE_CODE_4X_ALIASES[209]).toBe('UPDATE_AND_CREATE_ACL_CONFIG_FAILED');
    expect(responseCodeName(12345)).toBeUndefined();
  });

  it('treats 0, 10, 11, 12 as stored sends and nothing else', () => {
    const stored = Object.values(ResponseCode).filter((code) => isSendStored(code));
    expect(stored.sort((a, b) => a - b)).toEqual([0, 10, 11, 12]);
  });

  it('retries exactly the Java producer default set on another broker', () => {
    const retried = Object.values(ResponseCode).filter((code) => isRetriableSendCode(code));
    expect(retried.sort((a, b) => a - b)).toEqual([1, 2, 14, 16, 17, 204, 205, 1500]);
  });
});

describe('PullSysFlag', () => {
  it('builds the push-consumer values of TV9', () => {
    expect(buildPullSysFlag({ suspend: true })).toBe(2);
    expect(buildPullSysFlag({ suspend: true, commitOffset: true })).toBe(3);
    expect(buildPullSysFlag({ suspend: true, subscription: true })).toBe(6);
    expect(buildPullSysFlag({ suspend: true, subscription: true, commitOffset: true })).toBe(7);
    expect(buildPullSysFlag({ litePull: true, classFilter: true })).toBe(0x18);
  });

  it('parses and clears bits', () => {
    expect(parsePullSysFlag(7)).toEqual({
      commitOffset: true,
      suspend: true,
      subscription: true,
      classFilter: false,
      litePull: false,
    });
    expect(clearCommitOffsetFlag(7)).toBe(6);
    expect(PullSysFlag.LITE_PULL).toBe(0x10);
  });
});

describe('perm', () => {
  it('renders perm2String like Java', () => {
    expect(perm2String(DEFAULT_TOPIC_PERM)).toBe('RW-');
    expect(perm2String(DEFAULT_TEMPLATE_TOPIC_PERM)).toBe('RWX');
    expect(perm2String(0)).toBe('---');
    expect(perm2String(4)).toBe('R--');
    expect(perm2String(1)).toBe('--X');
  });

  it('tests the bits and the valid topic range', () => {
    expect(isReadable(6) && isWriteable(6) && !isInherited(6)).toBe(true);
    expect(isReadable(2)).toBe(false);
    expect(isWriteable(4)).toBe(false);
    expect(isValidTopicPerm(7)).toBe(true);
    expect(isValidTopicPerm(8)).toBe(false);
    expect(isValidTopicPerm(-1)).toBe(false);
  });
});

describe('MQVersion', () => {
  it('follows the Appendix B formula for every listed release', () => {
    expect(mqVersionOrdinal(4, 0, 0)).toBe(MQVersion.V4_0_0);
    expect(mqVersionOrdinal(4, 1, 0, true)).toBe(MQVersion.V4_1_0_SNAPSHOT);
    expect(mqVersionOrdinal(4, 5, 2)).toBe(317);
    expect(mqVersionOrdinal(4, 9, 3)).toBe(399);
    expect(mqVersionOrdinal(4, 9, 4)).toBe(401);
    expect(mqVersionOrdinal(4, 9, 8)).toBe(409);
    expect(mqVersionOrdinal(5, 0, 0)).toBe(413);
    expect(mqVersionOrdinal(5, 3, 1)).toBe(475);
    expect(mqVersionOrdinal(5, 3, 3)).toBe(479);
  });

  it('names formula ordinals back', () => {
    for (const [name, ordinal] of Object.entries(MQVersion)) {
      if (ordinal >= 212 && ordinal < MQVersion.HIGHER_VERSION) expect(mqVersionName(ordinal)).toBe(name);
    }
    expect(mqVersionName(121)).toBeUndefined();
    expect(mqVersionName(612)).toBeUndefined();
  });
});

describe('topic and group names', () => {
  it('accepts legal topic names and rejects blank, long or illegal ones', () => {
    expect(validateTopicName('TopicTest_1-a|b%c').valid).toBe(true);
    expect(validateTopicName('  ').valid).toBe(false);
    expect(validateTopicName('a b').valid).toBe(false);
    expect(validateTopicName('t'.repeat(127)).valid).toBe(true);
    expect(validateTopicName('t'.repeat(128)).valid).toBe(false);
    expect(validateTopicName(retryTopic('g'.repeat(200))).valid).toBe(true);
    const check = validateTopicName('bad/topic');
    expect(check.valid === false && check.reason.includes('illegal characters')).toBe(true);
  });

  it('validates group names', () => {
    expect(validateGroupName('CG_1').valid).toBe(true);
    expect(validateGroupName('').valid).toBe(false);
    expect(validateGroupName('g'.repeat(256)).valid).toBe(false);
  });

  it('knows system topics and groups', () => {
    expect(isSystemTopic('TBW102')).toBe(true);
    expect(isSystemTopic('rmq_sys_anything')).toBe(true);
    expect(isSystemTopic('TopicTest')).toBe(false);
    expect(isNotAllowedSendTopic('RMQ_SYS_TRANS_HALF_TOPIC')).toBe(true);
    expect(isNotAllowedSendTopic('TopicTest')).toBe(false);
    expect(isSystemGroup('CLIENT_INNER_PRODUCER')).toBe(true);
    expect(isSystemGroup('CID_RMQ_SYS_X')).toBe(true);
    expect(isSystemGroup('CG')).toBe(false);
  });

  it('builds and parses %RETRY%, %DLQ% and reply topics', () => {
    expect(retryTopic('CG')).toBe('%RETRY%CG');
    expect(dlqTopic('CG')).toBe('%DLQ%CG');
    expect(isRetryTopic('%RETRY%CG')).toBe(true);
    expect(isDlqTopic('%DLQ%CG')).toBe(true);
    expect(groupOfRetryOrDlqTopic('%RETRY%ns%CG')).toBe('ns%CG');
    expect(groupOfRetryOrDlqTopic('TopicTest')).toBeUndefined();
    expect(replyTopic('DefaultCluster')).toBe('DefaultCluster_REPLY_TOPIC');
  });
});

describe('defaults', () => {
  it('parses the default delay levels into milliseconds', () => {
    expect(DEFAULT_DELAY_LEVELS_MS).toHaveLength(18);
    expect(DEFAULT_DELAY_LEVELS_MS[0]).toBe(1000);
    expect(DEFAULT_DELAY_LEVELS_MS[4]).toBe(60_000);
    expect(DEFAULT_DELAY_LEVELS_MS[17]).toBe(7_200_000);
    expect(parseDelayLevels('1s 2x')).toBeUndefined();
  });
});
