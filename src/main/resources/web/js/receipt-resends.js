// The RECEIPTs of a receipts session that the server may still refuse, and the mids of those it
// refused with errno 10 ("send the receipt again": Redis away, its replica not in step, or the
// server unsure of its place in the cluster), to be sent again after a pause. The same rules as
// the console client's ReceiptResends.java.
//
// - Each RECEIPT carries a seq of its own, "receipt-<n>", which the server echoes in its refusal;
//   the refusal echoes neither the mids nor anything else, so the seq says which RECEIPT it was.
//   A string, so that it never matches the numbered seqs of requests.js. All the mids of a
//   refused RECEIPT go again: when the server refuses because it is unsure of its lease it keeps
//   nothing, so "any later RECEIPT" would not do.
// - A RECEIPT the server takes gets no reply, so a sent one is remembered until REMEMBERED_MIDS
//   later mids have pushed it out, or the session ends. A refusal comes far sooner: the server
//   answers frames in order, and meanwhile the page can only confirm what the server had handed
//   it before, at most the 10,000 messages a session may leave unconfirmed.
// - The pause is 1 s, doubled each time the same mids are refused again, up to 8 s: the trouble
//   lasts from a fraction of a second (a stalled replica) to the seconds of a Redis restart, and a
//   page asking every second only adds to the load of a server that is recovering.
//
// Times are milliseconds from whatever clock the caller uses, passed in so that tests choose them.

export const FIRST_PAUSE_MS = 1000;
export const MAX_PAUSE_MS = 8000;
/** Twice the unconfirmed messages a session may hold on the server (see above). */
export const REMEMBERED_MIDS = 20_000;
const SEQ_PREFIX = 'receipt-';

/** Whether a reply answers a RECEIPT: its seq is one of ours. */
export function answersAReceipt(reply) {
  return typeof reply.seq === 'string' && reply.seq.startsWith(SEQ_PREFIX);
}

/** 1 s before the first resend, then 2, 4, 8, 8, ... */
export function pauseMs(refusalsBefore) {
  return Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.min(refusalsBefore, 10));
}

export class ReceiptResends {
  /** seq -> { mids, refusals } of RECEIPTs sent, oldest first (a Map keeps insertion order). */
  #sent = new Map();
  #rememberedMids = 0;
  /** Mids of refused RECEIPTs, in the order they first came, waiting for #dueAt. */
  #refused = new Set();
  /** The most refusals any of #refused has had. */
  #refusals = 0;
  #dueAt = 0;
  /** Never reset: a refusal read late must not match a RECEIPT of a later session. */
  #nextSeq = 1;

  /** A RECEIPT for mids refused {@code refusals} times before is about to go out: the seq to put in it. */
  sending(mids, refusals) {
    const seq = `${SEQ_PREFIX}${this.#nextSeq++}`;
    this.#sent.set(seq, { mids, refusals });
    this.#rememberedMids += mids.length;
    for (const [oldSeq, old] of this.#sent) {
      if (this.#rememberedMids <= REMEMBERED_MIDS) {
        break;
      }
      this.#sent.delete(oldSeq);
      this.#rememberedMids -= old.mids.length;
    }
    return seq;
  }

  /**
   * The server refused the RECEIPT with this seq, asking for it again: its mids go out again after
   * the pause. False when that RECEIPT is not remembered (of an ended session, or pushed out long
   * ago): those messages come again at the next login, as any unconfirmed one.
   */
  refused(seq, now) {
    const batch = this.forget(seq);
    if (batch === undefined) {
      return false;
    }
    if (this.#refused.size === 0) {
      // Later refusals join these and wait with them: they met the same trouble.
      this.#dueAt = now + pauseMs(batch.refusals);
    }
    batch.mids.forEach((mid) => this.#refused.add(mid));
    this.#refusals = Math.max(this.#refusals, batch.refusals + 1);
    return true;
  }

  /** The server answered the RECEIPT with this seq otherwise: forgets it, and returns what it held. */
  forget(seq) {
    const batch = this.#sent.get(seq);
    if (batch !== undefined) {
      this.#sent.delete(seq);
      this.#rememberedMids -= batch.mids.length;
    }
    return batch;
  }

  /** The refused mids whose pause is over, taken ({ mids, refusals }); null when there are none. */
  due(now) {
    return this.#refused.size === 0 || now < this.#dueAt ? null : this.takeRefused();
  }

  /** Every refused mid, pause over or not (the session is about to end), taken; null when there are none. */
  takeRefused() {
    if (this.#refused.size === 0) {
      return null;
    }
    const batch = { mids: [...this.#refused], refusals: this.#refusals };
    this.#refused.clear();
    this.#refusals = 0;
    return batch;
  }

  /** The session ended: what it did not confirm the server delivers again at the next login. */
  clear() {
    this.#sent.clear();
    this.#rememberedMids = 0;
    this.#refused.clear();
    this.#refusals = 0;
  }

  /** For tests: the seqs of the RECEIPTs remembered. */
  get remembered() {
    return [...this.#sent.keys()];
  }
}
