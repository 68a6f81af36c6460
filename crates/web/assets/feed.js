// The /ws live order feed: resumes after drops with `since`, so no event
// is missed or repeated, and asks the page to reload when told to reset.

import { API_BASE, forgetSession, goSignIn, request, session } from "./api.js";

const FIRST_PAUSE = 500;
const MAX_PAUSE = 10000;

// The feed lives where the API does, so its scheme follows the API's: a
// page on plain http may talk to an API on https, and the other way round.
function feedUrl(order, since) {
  const url = new URL(`${API_BASE}/ws`, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (order) url.searchParams.set("order", order);
  if (since) url.searchParams.set("since", since);
  return url.toString();
}

/**
 * Follows every order the token may see, or one order (`order`), which
 * needs no token: there a refused token is dropped (`onSignedOut`) and the
 * feed goes on anonymously instead of sending the person to sign in.
 * `onRefused` hears of an upgrade that failed without a token to blame
 * (the order may be gone). Returns `{ close(), reconnect() }`; `reconnect`
 * starts over with whatever session there is now, resuming after the last event.
 */
export function openFeed({ order = null, onEvent = () => {}, onReset = () => {}, onState = () => {}, onRefused = () => {}, onSignedOut = () => {} } = {}) {
  let lastId = null;
  let pause = FIRST_PAUSE;
  let socket = null;
  let timer = null;
  let stopped = false;
  let openedBefore = false;

  function state(value) {
    try {
      onState(value);
    } catch {
      // An indicator that fails to draw must not stop the feed.
    }
  }

  function schedule() {
    if (stopped) return;
    clearTimeout(timer);
    state(navigator.onLine === false ? "offline" : "connecting");
    // Jitter spreads out the reconnects of many pages after a server restart.
    const wait = Math.round(pause * (0.5 + Math.random() / 2));
    pause = Math.min(pause * 2, MAX_PAUSE);
    timer = setTimeout(connect, wait);
  }

  function connect() {
    if (stopped) return;
    clearTimeout(timer);
    const current = session();
    if (!current && !order) {
      goSignIn();
      return;
    }
    state("connecting");
    let opened = false;
    try {
      socket = current ? new WebSocket(feedUrl(order, lastId), ["bearer", current.token]) : new WebSocket(feedUrl(order, lastId));
    } catch {
      schedule();
      return;
    }
    const mine = socket;
    mine.onopen = () => {
      opened = true;
      pause = FIRST_PAUSE;
      state("live");
      // With no event seen yet there is no position to resume from: the
      // server starts from now, so what changed while cut off is reread.
      if (openedBefore && !lastId) onReset();
      openedBefore = true;
    };
    mine.onmessage = (message) => {
      let envelope;
      try {
        envelope = JSON.parse(message.data);
      } catch {
        return;
      }
      if (!envelope || typeof envelope !== "object") return;
      if (typeof envelope.id === "string") lastId = envelope.id;
      if (envelope.event === "reset") onReset();
      else onEvent(envelope);
    };
    mine.onclose = (close) => {
      if (mine !== socket || stopped) return;
      socket = null;
      if (close.code === 1000) {
        state("offline");
        return;
      }
      if (close.code === 4001) {
        if (!order) {
          goSignIn("refused");
          return;
        }
        dropToken();
        pause = FIRST_PAUSE;
        schedule();
        return;
      }
      // A refused upgrade shows only as 1006; /auth/me tells whether the
      // token is the reason. For every order, request() then sends the
      // person to sign in; for one order, `optional` only forgets the token.
      if (!opened && current) {
        const after = () => {
          // Woken or restarted meanwhile: that attempt is already under way.
          if (socket || stopped) return;
          if (order && !session()) dropToken();
          else if (order) onRefused();
          schedule();
        };
        request("GET", "/auth/me", { optional: Boolean(order) }).then(after, after);
        return;
      }
      if (!opened) onRefused();
      schedule();
    };
  }

  function dropToken() {
    forgetSession();
    try {
      onSignedOut();
    } catch {
      // The page's own bookkeeping must not stop the feed.
    }
  }

  const wake = () => {
    if (!socket && !stopped) {
      pause = FIRST_PAUSE;
      connect();
    }
  };
  const sleep = () => state("offline");
  window.addEventListener("online", wake);
  window.addEventListener("offline", sleep);
  // Closing cleanly on the way out keeps the browser from reporting an
  // interrupted connection.
  window.addEventListener("pagehide", () => close());
  // Back from the back/forward cache the feed is closed and the data old.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) location.reload();
  });

  function close() {
    stopped = true;
    clearTimeout(timer);
    window.removeEventListener("online", wake);
    window.removeEventListener("offline", sleep);
    if (socket) {
      const s = socket;
      socket = null;
      if (s.readyState === WebSocket.OPEN) s.close(1000);
      else if (s.readyState === WebSocket.CONNECTING) s.onopen = () => s.close(1000);
    }
  }

  function reconnect() {
    if (stopped) return;
    const old = socket;
    socket = null;
    if (old) {
      old.onclose = null;
      old.onmessage = null;
      if (old.readyState === WebSocket.OPEN) old.close(1000);
      else if (old.readyState === WebSocket.CONNECTING) old.onopen = () => old.close(1000);
    }
    pause = FIRST_PAUSE;
    connect();
  }

  connect();
  return { close, reconnect };
}
