/** Exponential backoff with "equal jitter": half the step fixed, half random, so retries spread out. */
export function backoffMs(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return step / 2 + random() * (step / 2);
}
