/**
 * PullSysFlag bits of PULL_MESSAGE `sysFlag` (remoting-protocol.md 2.2). A Java push consumer sends 2
 * (suspend) or 3 (+commit offset); pull consumers add SUBSCRIPTION (6/7).
 */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  /** Legacy filter-server mode; 5.x brokers ignore it. */
  CLASS_FILTER: 0x8,
  /** [5.x] lite-pull consumers, who then use LITE_PULL_MESSAGE (361). */
  LITE_PULL: 0x10,
} as const;

export interface PullSysFlagBits {
  commitOffset?: boolean;
  suspend?: boolean;
  subscription?: boolean;
  classFilter?: boolean;
  litePull?: boolean;
}

export function buildPullSysFlag(bits: PullSysFlagBits): number {
  let flag = 0;
  if (bits.commitOffset === true) flag |= PullSysFlag.COMMIT_OFFSET;
  if (bits.suspend === true) flag |= PullSysFlag.SUSPEND;
  if (bits.subscription === true) flag |= PullSysFlag.SUBSCRIPTION;
  if (bits.classFilter === true) flag |= PullSysFlag.CLASS_FILTER;
  if (bits.litePull === true) flag |= PullSysFlag.LITE_PULL;
  return flag;
}

export function parsePullSysFlag(flag: number): Required<PullSysFlagBits> {
  return {
    commitOffset: (flag & PullSysFlag.COMMIT_OFFSET) !== 0,
    suspend: (flag & PullSysFlag.SUSPEND) !== 0,
    subscription: (flag & PullSysFlag.SUBSCRIPTION) !== 0,
    classFilter: (flag & PullSysFlag.CLASS_FILTER) !== 0,
    litePull: (flag & PullSysFlag.LITE_PULL) !== 0,
  };
}

/** A slave must not store consumer offsets: the master clears the bit when it redirects a pull. */
export function clearCommitOffsetFlag(flag: number): number {
  return flag & ~PullSysFlag.COMMIT_OFFSET;
}
