// Calls spread out in time: a search typed letter by letter asks once, and
// a stream of live events refreshes at a steady pace.

export function debounce(fn, ms) {
  let timer = null;
  const run = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}

/**
 * At most one call per `ms`: the first at once, and one more at the end of
 * the window for whatever came during it. Unlike a debounce, a steady stream
 * of calls still gets through, only less often.
 */
export function throttle(fn, ms) {
  let last = -Infinity;
  let timer = null;
  let pending = null;
  const fire = () => {
    timer = null;
    last = Date.now();
    const args = pending;
    pending = null;
    fn(...args);
  };
  const run = (...args) => {
    pending = args;
    if (timer) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
  return run;
}
