// Answers can come back in another order than their requests: a slow
// search for "te" must not overwrite the answer for "tea". A request calls
// `begin()` as it starts and gets `stale()`, true once a newer one began;
// only the newest answer may touch the page.

export function staleGuard() {
  let newest = 0;
  return function begin() {
    const mine = ++newest;
    return () => mine !== newest;
  };
}
