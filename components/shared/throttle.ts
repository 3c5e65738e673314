/**
 * Runs `fn` at most once per `ms`, always finishing with a trailing call so the last state shows.
 * Numbers and charts update a few times a second: faster is unreadable and costs frames.
 */
export function throttled(fn: () => void, ms: number): { request: () => void; cancel: () => void } {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = Date.now();
    fn();
  };
  return {
    request() {
      if (timer !== null) return;
      const wait = Math.max(0, last + ms - Date.now());
      timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
