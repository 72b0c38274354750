// Delivery receipts (PROTOCOL.md, "Version 2.2 additions: delivery receipts"): which chat frames
// to show, and the RECEIPT frames that confirm them to the server.
//
// - A chat frame is shown the first time its mid arrives; repeats are dropped (SeenMids). The
//   window outlives connections, and with saved-session.js reloads too.
// - In a receipts session every chat frame handled, shown or dropped as a repeat, is queued, and
//   the queue goes out in RECEIPTs every half second while it is not empty, and at once in end().
// - The session lives on one connection: when it drops the queue is dropped too. The server
//   delivers again what it did not confirm, and the window drops those repeats.
// - After end() (a logout is on its way) chat frames are neither shown nor confirmed: the server
//   keeps them for the next login. So whatever the page showed, it confirmed.

import { MAX_MIDS_PER_RECEIPT, encodeReceipt } from './protocol.js';

/** PROTOCOL.md asks for a RECEIPT at least once a second; twice as often leaves room for a late timer. */
const FLUSH_EVERY_MS = 500;

export class Receipts {
  #connection;
  #seen;
  #beforeConfirm;
  #active = false;
  #ending = false;
  /** Mids handled and not sent yet, in the order they came. */
  #unconfirmed = new Set();

  /** @param beforeConfirm called before mids go out (the page keeps its messages on the server, so none need be) */
  constructor(connection, seen, beforeConfirm = () => {}) {
    this.#connection = connection;
    this.#seen = seen;
    this.#beforeConfirm = beforeConfirm;
    connection.addEventListener('close', () => this.stopped());
    setInterval(() => this.flush(), FLUSH_EVERY_MS);
  }

  set seen(seen) {
    this.#seen = seen;
  }

  /** A login ack said "receipts": true. */
  started() {
    this.#active = true;
    this.#ending = false;
    this.#unconfirmed.clear();
  }

  /** No receipts session (any more): logged out, connection lost, or a server before 2.2. */
  stopped() {
    this.#active = false;
    this.#ending = false;
    this.#unconfirmed.clear();
  }

  /** Whether to show a chat frame: false for a repeat and while the session ends. */
  toShow(frame) {
    if (this.#ending) {
      return false;
    }
    return typeof frame.mid !== 'string' || this.#seen.firstSight(frame.mid);
  }

  /** A chat frame was shown or dropped as a repeat: confirm it with the next RECEIPT. */
  handled(frame) {
    if (this.#active && !this.#ending && typeof frame.mid === 'string') {
      this.#unconfirmed.add(frame.mid);
    }
  }

  flush() {
    if (!this.#active || this.#unconfirmed.size === 0) {
      return;
    }
    this.#beforeConfirm();
    const mids = [...this.#unconfirmed];
    this.#unconfirmed.clear();
    for (let from = 0; from < mids.length; from += MAX_MIDS_PER_RECEIPT) {
      if (!this.#connection.send(encodeReceipt(mids.slice(from, from + MAX_MIDS_PER_RECEIPT)))) {
        return; // the connection is gone: the server delivers these again and the window drops them
      }
    }
  }

  /** Confirms everything shown so far and stops showing; call right before LOGINOUT. */
  end() {
    this.flush();
    if (this.#active) {
      this.#ending = true;
    }
  }

  /** LOGINOUT was refused: the session goes on. */
  resumed() {
    this.#ending = false;
  }
}
