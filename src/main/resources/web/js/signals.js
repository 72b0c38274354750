// What the page tells the server about its user without being asked, and with no reply (2.3):
// READ, for what the user has seen, and TYPING, while they type. No DOM: the views say what the
// user does, the state says what is on screen (ChatState.viewing: chosen, visible and focused).
//
// - READ goes out when the conversation being looked at has messages of others past the read
//   mark: when it comes on screen (opened, the tab shown, the window focused) and when a message
//   arrives while it is. The mark moves at once here, so that each message is marked once.
// - TYPING goes out at most once every 3 s per conversation (TypingPacer); a keystroke held back
//   by that pace sends one when the pace allows, if the user is still typing.
// - Both only while logged in on a live connection: before the login ack the server would refuse
//   them (errno 3), and a READ lost with a connection is sent again after the next login, since
//   the mark did not move.
// - "bob is typing…" ends a few seconds after his last TYPING: a timer here tells the views.

import { conversationKey } from './chat-state.js';
import { requests } from './protocol.js';
import { readUptoToSend } from './read-state.js';
import { TypingPacer } from './typing.js';

/**
 * A held-back TYPING waits this much past the 3 s pace: the server measures the pace between the
 * frames' arrivals, and one that left exactly 3 s after the last could arrive sooner than that
 * after it (the first was slower on the way) and be dropped without a word.
 */
const SERVER_PACE_MARGIN_MS = 250;

export class Signals {
  #connection;
  #state;
  #now;
  #pacer = new TypingPacer();
  #live = false;
  #expiryTimer = null;
  /** conversation key -> the timer of a held-back TYPING */
  #heldBack = new Map();

  /** @param now the clock, in ms (tests give their own) */
  constructor(connection, state, now = () => Date.now()) {
    this.#connection = connection;
    this.#state = state;
    this.#now = now;
    state.addEventListener('change', (event) => {
      const { what } = event.detail;
      if (what === 'typing') {
        this.#scheduleExpiry();
      } else {
        this.markRead();
      }
    });
    connection.addEventListener('close', () => this.stopped());
  }

  /** Logged in (again): from now on READ and TYPING may go out. */
  started() {
    this.#live = true;
    this.#pacer.reset();
    this.markRead();
  }

  /** Logged out, or the connection dropped. */
  stopped() {
    this.#live = false;
    for (const timer of this.#heldBack.values()) {
      clearTimeout(timer);
    }
    this.#heldBack.clear();
  }

  /** Sends READ for the conversation being looked at, if it has anything new. */
  markRead() {
    const key = this.#state.viewing;
    if (!this.#live || key === null) {
      return;
    }
    const conversation = this.#state.conversations.get(key);
    if (conversation === undefined) {
      return;
    }
    const upto = readUptoToSend(conversation);
    if (upto !== null && this.#connection.send(requests.read(conversation.kind, conversation.id, upto))) {
      this.#state.markedRead(conversation, upto);
    }
  }

  /** The user typed in a conversation: TYPING, now or when the 3 s pace allows. */
  typed(kind, id) {
    if (!this.#live) {
      return;
    }
    const key = conversationKey(kind, id);
    const wait = this.#pacer.typed(key, this.#now());
    if (wait === 0) {
      this.#connection.send(requests.typing(kind, id));
    } else if (!this.#heldBack.has(key)) {
      this.#heldBack.set(key, setTimeout(() => {
        this.#heldBack.delete(key);
        if (this.#live && this.#pacer.due(key, this.#now())) {
          this.#connection.send(requests.typing(kind, id));
        }
      }, wait + SERVER_PACE_MARGIN_MS));
    }
  }

  /** The user sent the message, or emptied the composer: no held-back TYPING goes out. */
  stoppedTyping(kind, id) {
    const key = conversationKey(kind, id);
    this.#pacer.stopped(key);
    clearTimeout(this.#heldBack.get(key));
    this.#heldBack.delete(key);
  }

  #scheduleExpiry() {
    clearTimeout(this.#expiryTimer);
    const now = this.#now();
    const next = this.#state.typing.nextChange(now);
    if (next !== null) {
      this.#expiryTimer = setTimeout(() => {
        this.#state.typingExpired();
      }, next - now + 1);
    }
  }
}
