// Typing (PROTOCOL.md 2.3, "Typing") with no DOM and no timers of its own: every call is given
// the time, so that tests decide what time it is.
// - TypingPacer: while the user types, a TYPING goes out at most once every 3 s per conversation
//   (the server drops more, so sending them would only cost).
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
  /** conversation key -> when the last TYPING went out */
  #sent = new Map();

  constructor(everyMs = TYPING_EVERY_MS) {
    this.#everyMs = everyMs;
  }

  /** The user typed in a conversation at {@code now}: true when a TYPING should go out. */
  typed(key, now) {
    const last = this.#sent.get(key);
    if (last !== undefined && now - last < this.#everyMs) {
      return false;
    }
    this.#sent.set(key, now);
    return true;
  }

  /** A new session (logged in again): the server's pace starts afresh too. */
  reset() {
    this.#sent.clear();
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
