// Requests and their replies: each request goes out with a seq of its own and its promise settles
// with the reply that echoes that seq. A request is never silently forgotten: when the connection
// drops, or no reply comes in time, its promise is rejected saying so.

import { isReply } from './protocol.js';

/** Replies come in milliseconds; a login that hashes a password takes well under a second. */
const REPLY_TIMEOUT_MS = 20_000;
/** How long a request made while the page is still connecting waits for the connection. */
const CONNECT_WAIT_MS = 5_000;

export class RequestError extends Error {
  /** @param reply the refusal (errno != 0), or null when there was no reply at all */
  constructor(message, reply = null) {
    super(message);
    this.reply = reply;
  }
}

export class Requests {
  #connection;
  #nextSeq = 1;
  /** seq -> { resolve, reject, timer } */
  #pending = new Map();

  constructor(connection) {
    this.#connection = connection;
    connection.addEventListener('close', () => this.#abandonAll());
  }

  /**
   * Sends a request; resolves with its reply when errno is 0, rejects with a RequestError carrying
   * the reply otherwise, or without one when it could not be sent or no reply came.
   */
  async send(frame) {
    if (!this.#connection.isOpen) {
      // Someone who logs in the moment the page has loaded should not be told to try again.
      await this.#connected(CONNECT_WAIT_MS);
    }
    const seq = this.#nextSeq++;
    return new Promise((resolve, reject) => {
      if (!this.#connection.send({ ...frame, seq })) {
        reject(new RequestError('not connected to the server; reconnecting in the background'));
        return;
      }
      const timer = setTimeout(() => {
        this.#pending.delete(seq);
        reject(new RequestError('no answer from the server; it may or may not have been done'));
      }, REPLY_TIMEOUT_MS);
      this.#pending.set(seq, { resolve, reject, timer });
    });
  }

  /** Settles the request a reply answers; false when the frame answers none of ours. */
  received(frame) {
    if (!isReply(frame) || !this.#pending.has(frame.seq)) {
      return false;
    }
    const { resolve, reject, timer } = this.#pending.get(frame.seq);
    this.#pending.delete(frame.seq);
    clearTimeout(timer);
    if ((frame.errno ?? 0) === 0) {
      resolve(frame);
    } else {
      reject(new RequestError(frame.errmsg ?? `errno ${frame.errno}`, frame));
    }
    return true;
  }

  /** Resolves once the connection is open, or after {@code ms} (send then says it is not). */
  #connected(ms) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#connection.removeEventListener('open', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#connection.addEventListener('open', done);
    });
  }

  #abandonAll() {
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new RequestError('the connection was lost before the answer came; it may or may not have been done'));
    }
    this.#pending.clear();
  }
}
