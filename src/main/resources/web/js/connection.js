// Keeps the page connected to the server's WebSocket: connects, hands each frame on, and after a
// drop connects again with a growing, jittered delay. Knows frames only as text and objects;
// who is logged in is session.js's business.

import { encode, parseFrame, requests } from './protocol.js';

/** First wait after a drop; doubled after each failed attempt up to the maximum. */
const RECONNECT_MIN_DELAY_MS = 500;
const RECONNECT_MAX_DELAY_MS = 10_000;
/** PROTOCOL.md: a client sends PING when it has sent nothing for 30 s (the server's idle timeout is 90 s). */
const HEARTBEAT_AFTER_MS = 30_000;
/**
 * A connection that has received nothing for this long is taken for dead: the server answers every
 * PING, so silence this long means a peer or proxy that vanished without closing.
 */
const SILENCE_LIMIT_MS = 75_000;
const WATCH_EVERY_MS = 5_000;

/** The endpoint on the host that served the page: wss when the page came over https. */
export function endpointUrl(location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

/**
 * Events: 'open' (detail.again: false for the first connection), 'frame' (detail.frame),
 * 'garbled' (detail.text), 'close' (detail.reason, detail.retryInMs), 'unreachable' (detail.retryInMs).
 */
export class Connection extends EventTarget {
  #url;
  #socket = null;
  #open = false;
  #everOpen = false;
  #failures = 0;
  #retryTimer = null;
  #lastSent = 0;
  #lastReceived = 0;
  #watcher = null;

  constructor(url) {
    super();
    this.#url = url;
  }

  get isOpen() {
    return this.#open;
  }

  start() {
    this.#watcher = setInterval(() => this.#watch(), WATCH_EVERY_MS);
    this.#connect();
  }

  /** Connect now instead of waiting out the back-off (the browser says the network is back). */
  retryNow() {
    if (this.#socket === null && this.#retryTimer !== null) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      this.#connect();
    }
  }

  /** Sends one frame (an object, or text already encoded); false when there is no connection. */
  send(frame) {
    if (!this.#open) {
      return false;
    }
    this.#socket.send(typeof frame === 'string' ? frame : encode(frame));
    this.#lastSent = Date.now();
    return true;
  }

  #connect() {
    this.#retryTimer = null;
    let socket;
    try {
      socket = new WebSocket(this.#url);
    } catch (error) {
      this.#scheduleRetry('unreachable', { reason: error.message });
      return;
    }
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#open = true;
      this.#failures = 0;
      this.#lastSent = this.#lastReceived = Date.now();
      const again = this.#everOpen;
      this.#everOpen = true;
      this.dispatchEvent(new CustomEvent('open', { detail: { again } }));
    });
    socket.addEventListener('message', (event) => {
      this.#lastReceived = Date.now();
      if (typeof event.data !== 'string') {
        return; // the server sends text only
      }
      let frame;
      try {
        frame = parseFrame(event.data);
      } catch {
        this.dispatchEvent(new CustomEvent('garbled', { detail: { text: event.data } }));
        return;
      }
      this.dispatchEvent(new CustomEvent('frame', { detail: { frame } }));
    });
    // A failed attempt fires 'error' then 'close'; a dropped connection fires 'close'. 'close' alone decides.
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) {
        return;
      }
      const wasOpen = this.#open;
      this.#open = false;
      this.#socket = null;
      if (wasOpen) {
        this.#scheduleRetry('close', { reason: closeReason(event) });
      } else {
        this.#scheduleRetry('unreachable', { reason: closeReason(event) });
      }
    });
  }

  #scheduleRetry(type, detail) {
    // After a drop the first retry comes quickly (the server or proxy may be right back); after
    // failed attempts the delay doubles, so that a dead server is not hammered.
    const delay = backoff(type === 'close' ? 0 : this.#failures++);
    if (type === 'close') {
      this.#failures = 1;
    }
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
    this.dispatchEvent(new CustomEvent(type, { detail: { ...detail, retryInMs: delay } }));
  }

  #watch() {
    if (!this.#open) {
      return;
    }
    const now = Date.now();
    if (now - this.#lastReceived > SILENCE_LIMIT_MS) {
      // close() would wait for the dead peer's closing handshake; the 'close' event comes anyway.
      this.#socket.close(4000, 'no answer from the server');
      return;
    }
    if (now - this.#lastSent >= HEARTBEAT_AFTER_MS) {
      this.send(requests.ping());
    }
  }
}

/**
 * Doubling delays from the minimum up to the maximum, each shortened by up to a fifth at random, so
 * that the pages of a restarted server do not all come back in the same instant.
 */
function backoff(failures) {
  const delay = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_MIN_DELAY_MS * 2 ** Math.min(failures, 10));
  return Math.max(1, Math.round(delay - Math.random() * (delay / 5)));
}

function closeReason(event) {
  if (event.code === 1009) {
    return 'a frame was too large';
  }
  if (event.reason) {
    return event.reason;
  }
  return event.wasClean ? 'the server closed the connection' : 'the connection was lost';
}
