import { notYetBuilt, type ContenderSlot } from '../../harness/index.js';

/** W10: kill -9 with 1 GiB of commit log, time to the first successful send; reports extra.restartMsPerGiB. */
export function rocketnestRestart(): ContenderSlot {
  return notYetBuilt('rocketnest-restart/1gib', 'Rocketnest restart after kill -9');
}
