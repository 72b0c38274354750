// Typing (PROTOCOL.md 2.3, "Typing") with no DOM and no timers of its own: every call is given
// the time, so that tests decide what time it is.
// - TypingPacer: while the user types, a TYPING goes out at most once every 3 s per conversation
//   (the server drops more, so sending them would only cost). A keystroke that comes too soon is
//   not forgotten: when the pace allows the next TYPING, it goes out if the user typed since the
//   last one (and not too long ago), so that typing again shortly after sending still shows.
// - TypingIndicator: who is typing where, as heard; an entry lasts a few seconds past the last
//   TYPING heard (the typist sends one every 3 s while typing), and ends at once when a message
//   of theirs arrives.

/** PROTOCOL.md: a client sends TYPING at most once every 3 seconds while its user types. */
export const TYPING_EVERY_MS = 3_000;
/**
 * How long "bob is typing..." stays after bob's last TYPING: two of his intervals, so that one
 * late frame does not make it blink, and short enough that it goes soon after bob stops.
 */
export const TYPING_SHOWN_MS = 6_000;

export class TypingPacer {
  #everyMs;
  #heldMs;
  /** conversation key -> { sent: when the last TYPING went out, typed: the last keystroke since, or null } */
  #pace = new Map();

  /**
   * @param heldMs how long a held-back keystroke still says "typing": as long as the other side
   *     shows one TYPING. Measured from the keystroke, not from when the pace allowed the TYPING,
   *     so that a timer that runs late (a busy phone, a loaded box) still sends it; with the
   *     pace's own 3 s a timer late by more than the keystroke's lead over the last TYPING lost
   *     it, and the other user never saw "typing" (BrowserReadStateEndToEndTest, in CI).
   */
  constructor(everyMs = TYPING_EVERY_MS, heldMs = TYPING_SHOWN_MS) {
    this.#everyMs = everyMs;
    this.#heldMs = heldMs;
  }

  /**
   * The user typed in a conversation at {@code now}: 0 when a TYPING should go out now, otherwise
   * in how many ms to ask {@link due} whether one should go out then.
   */
  typed(key, now) {
    const pace = this.#pace.get(key);
    if (pace === undefined || now - pace.sent >= this.#everyMs) {
      this.#pace.set(key, { sent: now, typed: null });
      return 0;
    }
    pace.typed = now;
    return pace.sent + this.#everyMs - now;
  }

  /**
   * Asked when a keystroke was held back: true (and counted as sent) when the pace allows a
   * TYPING and the user typed since the last one, recently enough to still be typing.
   */
  due(key, now) {
    const pace = this.#pace.get(key);
    if (pace === undefined || pace.typed === null || now - pace.sent < this.#everyMs
        || now - pace.typed >= this.#heldMs) {
      return false;
    }
    this.#pace.set(key, { sent: now, typed: null });
    return true;
  }

  /** The user sent what they typed (or emptied the composer): a held-back keystroke is void. */
  stopped(key) {
    const pace = this.#pace.get(key);
    if (pace !== undefined) {
      pace.typed = null;
    }
  }

  /** A new session (logged in again): the server's pace starts afresh too. */
  reset() {
    this.#pace.clear();
  }
}

export class TypingIndicator {
  #shownMs;
  /** conversation key -> Map(typist id -> { name, until }) */
  #typing = new Map();

  constructor(shownMs = TYPING_SHOWN_MS) {
    this.#shownMs = shownMs;
  }

  /** A TYPING from {@code id} arrived at {@code now}. */
  heard(key, id, name, now) {
    let typists = this.#typing.get(key);
    if (typists === undefined) {
      typists = new Map();
      this.#typing.set(key, typists);
    }
    typists.set(id, { name, until: now + this.#shownMs });
  }

  /** {@code id} is no longer typing there (their message arrived); true when they were shown. */
  stopped(key, id) {
    const typists = this.#typing.get(key);
    const was = typists?.delete(id) ?? false;
    if (typists !== undefined && typists.size === 0) {
      this.#typing.delete(key);
    }
    return was;
  }

  /** The names of those typing in a conversation at {@code now}, in the order first heard. */
  names(key, now) {
    const typists = this.#typing.get(key);
    if (typists === undefined) {
      return [];
    }
    return [...typists.values()].filter((typist) => typist.until > now).map((typist) => typist.name);
  }

  /** When the next entry ends after {@code now}, or null when nobody is typing anywhere. */
  nextChange(now) {
    let next = null;
    for (const typists of this.#typing.values()) {
      for (const [id, typist] of typists) {
        if (typist.until <= now) {
          typists.delete(id); // over: forgotten here, so that the map does not grow
        } else if (next === null || typist.until < next) {
          next = typist.until;
        }
      }
    }
    for (const [key, typists] of this.#typing) {
      if (typists.size === 0) {
        this.#typing.delete(key);
      }
    }
    return next;
  }

  clear() {
    this.#typing.clear();
  }
}

/** "bob is typing…", "bob and carol are typing…", "3 people are typing…"; '' for nobody. */
export function typingLine(names) {
  if (names.length === 0) {
    return '';
  }
  if (names.length === 1) {
    return `${names[0]} is typing…`;
  }
  if (names.length === 2) {
    return `${names[0]} and ${names[1]} are typing…`;
  }
  return `${names.length} people are typing…`;
}
