/**
 * Permission bits of topics and brokers (remoting-protocol.md 9.3). A valid topic perm is 0..7;
 * PRIORITY only marks brokers.
 */
export const Perm = {
  PRIORITY: 8,
  READ: 4,
  WRITE: 2,
  INHERIT: 1,
} as const;

/** R+W: a new user topic. */
export const DEFAULT_TOPIC_PERM = Perm.READ | Perm.WRITE;
/** R+W+inherit: TBW102, the auto-create template. */
export const DEFAULT_TEMPLATE_TOPIC_PERM = Perm.READ | Perm.WRITE | Perm.INHERIT;

export function isReadable(perm: number): boolean {
  return (perm & Perm.READ) === Perm.READ;
}

export function isWriteable(perm: number): boolean {
  return (perm & Perm.WRITE) === Perm.WRITE;
}

export function isInherited(perm: number): boolean {
  return (perm & Perm.INHERIT) === Perm.INHERIT;
}

export function isPriority(perm: number): boolean {
  return (perm & Perm.PRIORITY) === Perm.PRIORITY;
}

export function isValidTopicPerm(perm: number): boolean {
  return Number.isInteger(perm) && perm >= 0 && perm < Perm.PRIORITY;
}

/** Java `PermName.perm2String`: three columns R, W, X (inherit), `-` when unset, e.g. 6 -> `RW-`. */
export function perm2String(perm: number): string {
  return (isReadable(perm) ? 'R' : '-') + (isWriteable(perm) ? 'W' : '-') + (isInherited(perm) ? 'X' : '-');
}
