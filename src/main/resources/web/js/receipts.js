// Delivery receipts (PROTOCOL.md, "Version 2.2 additions: delivery receipts"): which chat frames
// to show, and the RECEIPT frames that confirm them to the server.
//
// - A chat frame is shown the first time its mid arrives; repeats are dropped (SeenMids). The
//   window outlives connections, and with saved-session.js reloads too.
// - In a receipts session every chat frame handled, shown or dropped as a repeat, is queued, and
//   the queue goes out in RECEIPTs every half second while it is not empty, and at once in end().
// - The session lives on one connection: when it drops the queue is dropped too. The server
//   delivers again what it did not confirm, and the window drops those repeats.
// - A RECEIPT the server refuses with errno 10 ("send the receipt again") goes again after a pause
//   that grows while the refusals go on, until one goes through or the session ends
//   (receipt-resends.js, which also says how a refusal is matched).
// - After end() (a logout is on its way) chat frames are neither shown nor confirmed: the server
//   keeps them for the next login. So whatever the page showed, it confirmed.

import { MAX_MIDS_PER_RECEIPT, MsgId, encodeReceipt } from './protocol.js';
import { ReceiptResends, answersAReceipt } from './receipt-resends.js';

/** PROTOCOL.md asks for a RECEIPT at least once a second; twice as often leaves room for a late timer. */
export const FLUSH_EVERY_MS = 500;
/** PROTOCOL.md: the server cannot take it yet; send it again. */
const UNAVAILABLE = 10;

export class Receipts {
  #connection;
  #seen;
  #beforeConfirm;
  #active = false;
  #ending = false;
  #now;
  /** Mids handled and not sent yet, in the order they came. */
  #unconfirmed = new Set();
  /** RECEIPTs sent, and the mids of those refused, to send again. */
  #resends = new ReceiptResends();

  /**
   * @param beforeConfirm called before mids go out (the page keeps its messages on the server, so none need be)
   * @param now the clock, in milliseconds
   * @param flushEveryMs how often the queue goes out; null for never on its own (tests flush by hand)
   */
  constructor(connection, seen, { beforeConfirm = () => {}, now = () => Date.now(), flushEveryMs = FLUSH_EVERY_MS } = {}) {
    this.#connection = connection;
    this.#seen = seen;
    this.#beforeConfirm = beforeConfirm;
    this.#now = now;
    connection.addEventListener('close', () => this.stopped());
    if (flushEveryMs !== null) {
      setInterval(() => this.flush(), flushEveryMs);
    }
  }

  set seen(seen) {
    this.#seen = seen;
  }

  /** A login ack said "receipts": true. */
  started() {
    this.#active = true;
    this.#ending = false;
    this.#unconfirmed.clear();
    this.#resends.clear();
  }

  /** No receipts session (any more): logged out, connection lost, or a server before 2.2. */
  stopped() {
    this.#active = false;
    this.#ending = false;
    this.#unconfirmed.clear();
    this.#resends.clear();
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

  /** Sends what is unconfirmed, and what was refused once its pause is over, if anything. */
  flush() {
    if (!this.#active) {
      return;
    }
    this.#send([...this.#unconfirmed], 0);
    this.#unconfirmed.clear();
    // Not while the session ends: LOGINOUT is on its way, and a RECEIPT after it would be refused.
    const again = this.#ending ? null : this.#resends.due(this.#now());
    if (again !== null) {
      this.#send(again.mids, again.refusals);
    }
  }

  /** Confirms everything shown so far, what was refused too, and stops showing; call right before LOGINOUT. */
  end() {
    if (!this.#active) {
      return;
    }
    this.flush();
    const again = this.#resends.takeRefused(); // shown too, and the pause would outlast the session
    if (again !== null) {
      this.#send(again.mids, again.refusals);
    }
    this.#ending = true;
  }

  /**
   * A reply whose seq is a RECEIPT's. With errno 10 the RECEIPT goes again after a pause, and the
   * reply is dealt with (true); any other reply is left to the caller to show (false).
   */
  answered(reply) {
    if (reply.msgid !== MsgId.ACK || !answersAReceipt(reply)) {
      return false;
    }
    if (reply.errno !== UNAVAILABLE) {
      this.#resends.forget(reply.seq);
      return false;
    }
    // An unknown seq (its session ended) needs nothing: the server delivers those again.
    this.#resends.refused(reply.seq, this.#now());
    return true;
  }

  /** LOGINOUT was refused: the session goes on. */
  resumed() {
    this.#ending = false;
  }

  /** Sends mids in RECEIPTs, each remembered by its seq until the server may have refused it. */
  #send(mids, refusals) {
    if (mids.length === 0) {
      return;
    }
    this.#beforeConfirm();
    for (let from = 0; from < mids.length; from += MAX_MIDS_PER_RECEIPT) {
      const chunk = mids.slice(from, from + MAX_MIDS_PER_RECEIPT);
      const seq = this.#resends.sending(chunk, refusals);
      if (!this.#connection.send(encodeReceipt(chunk, seq))) {
        return; // the connection is gone: the server delivers these again and the window drops them
      }
    }
  }
}
