// The mids of the latest chat messages this page has shown, so that a message delivered twice is
// shown once. Protocol 2.2 allows repeats: a message whose RECEIPT had not reached the server when
// the session ended comes again, with the same mid, at the next login. The window is bounded
// because the repeats it must catch are recent: only what arrived in the last second or so of a
// session can be unconfirmed when it ends.

/** Far more than a second of messages for one person, and small enough for session storage. */
const DEFAULT_CAPACITY = 5000;

export class SeenMids {
  #capacity;
  /** Oldest first (a Set keeps insertion order). */
  #mids = new Set();

  constructor(capacity = DEFAULT_CAPACITY, mids = []) {
    this.#capacity = capacity;
    mids.slice(-capacity).forEach((mid) => this.#mids.add(mid));
  }

  /** Records a mid as seen now; true the first time (within the window), false for a repeat. */
  firstSight(mid) {
    if (this.#mids.delete(mid)) {
      this.#mids.add(mid); // a repeat counts as seen again, so it stays while newer ones push older out
      return false;
    }
    this.#mids.add(mid);
    if (this.#mids.size > this.#capacity) {
      this.#mids.delete(this.#mids.values().next().value);
    }
    return true;
  }

  toJSON() {
    return [...this.#mids];
  }
}
