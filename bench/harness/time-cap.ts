/**
 * Hard time caps. The work gets an AbortSignal that fires at the cap; if it has not returned `graceMs` later
 * the cap rejects anyway, so one stuck contender never holds up a run.
 */
export class TimeCapError extends Error {
  override readonly name = 'TimeCapError';
}

export async function withTimeCap<T>(
  label: string,
  capMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  graceMs = 10_000,
): Promise<T> {
  const controller = new AbortController();
  let abortTimer: NodeJS.Timeout | undefined;
  let hardTimer: NodeJS.Timeout | undefined;
  const hardStop = new Promise<never>((_, reject) => {
    abortTimer = setTimeout(
      () => controller.abort(new TimeCapError(`${label}: time cap of ${Math.round(capMs)} ms`)),
      Math.max(0, capMs),
    );
    hardTimer = setTimeout(
      () => reject(new TimeCapError(`${label}: did not stop within ${graceMs} ms of its ${Math.round(capMs)} ms cap`)),
      Math.max(0, capMs) + graceMs,
    );
  });
  try {
    return await Promise.race([work(controller.signal), hardStop]);
  } finally {
    clearTimeout(abortTimer);
    clearTimeout(hardTimer);
  }
}
