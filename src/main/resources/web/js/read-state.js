// Read state with no DOM (PROTOCOL.md 2.3, "Conversations and read state"): how many messages of
// a conversation are unread, which of one's own messages were delivered or read (the ticks), what
// to mark read, and the order of the conversation list. Mids are decimal strings (protocol.js);
// '0' stands for "none".
//
// A conversation here is { kind, items, unread, last, readUpto, readByThem, deliveredUpto }:
// - readUpto: this user's read mark as far as the page knows (the server's may be further);
// - readByThem: the other user's mark (one-to-one), from CONVERSATIONS and READ_NOTICE;
// - deliveredUpto: the newest of one's own one-to-one messages a device of theirs confirmed
//   (DELIVERED). One's messages reach each device oldest first, so everything up to it counts as
//   delivered too; a read message was delivered whatever DELIVERED said.

import { compareMids } from './timeline.js';

/** docs/protocol.md 10.3: the server counts unread up to 100; the page shows "99+" from there. */
export const UNREAD_SHOWN_UP_TO = 99;

/** "3", or "99+" for 100 and more (the server stops counting at 100). */
export function unreadLabel(count) {
  return count > UNREAD_SHOWN_UP_TO ? `${UNREAD_SHOWN_UP_TO}+` : String(count);
}

/** The later of two mids (either may be null or undefined: none). */
export function laterMid(a, b) {
  if (a === null || a === undefined) {
    return b ?? '0';
  }
  if (b === null || b === undefined) {
    return a;
  }
  return compareMids(a, b) >= 0 ? a : b;
}

function hasMid(item) {
  return !item.event && typeof item.mid === 'string';
}

function after(mid, mark) {
  return compareMids(mid, mark ?? '0') > 0;
}

/** The newest mid among messages of others (the items and the listed last one); '0' when none. */
export function newestFromOthers(conversation) {
  let newest = '0';
  for (const item of conversation.items) {
    if (hasMid(item) && !item.mine) {
      newest = laterMid(newest, item.mid);
    }
  }
  const { last } = conversation;
  if (last && !last.mine && typeof last.mid === 'string') {
    newest = laterMid(newest, last.mid);
  }
  return newest;
}

/**
 * What a READ should say for a conversation the user is looking at: the newest mid of the others'
 * messages when it is past the read mark, null when there is nothing new to mark.
 */
export function readUptoToSend(conversation) {
  const newest = newestFromOthers(conversation);
  return newest !== '0' && after(newest, conversation.readUpto) ? newest : null;
}

/**
 * The unread count once the user's read mark moved to {@code upto} (READ_NOTICE from another of
 * their devices): 0 when the mark covers the newest message known; otherwise the others' messages
 * after it, if the page holds every message after it; null when it cannot tell (messages after the
 * mark that the page never loaded, which may be others' even when the newest is one's own): then
 * ask the server (CONVERSATIONS).
 */
export function unreadAfterRead(conversation, upto) {
  const loaded = conversation.items.filter(hasMid);
  let newest = conversation.last?.mid ?? null;
  for (const item of loaded) {
    newest = laterMid(newest, item.mid);
  }
  if (newest === null || newest === '0' || !after(newest, upto)) {
    return 0;
  }
  const oldest = loaded.reduce((found, item) => (found === null || compareMids(item.mid, found) < 0 ? item.mid : found), null);
  const complete = oldest !== null
      && (!after(oldest, upto) || (conversation.history?.state === 'loaded' && !conversation.history.more));
  const lastHeld = !conversation.last || conversation.last.mid === null || loaded.some((item) => item.mid === conversation.last.mid);
  if (!complete || !lastHeld) {
    return null;
  }
  return loaded.filter((item) => !item.mine && after(item.mid, upto)).length;
}

/**
 * The unread count of a CONVERSATIONS entry, plus what arrived live after the server counted:
 * messages of others newer than the entry's last one, which its count cannot include.
 */
export function unreadFromServer(counted, lastMid, items) {
  const since = items.filter((item) => hasMid(item) && !item.mine && after(item.mid, lastMid ?? '0')).length;
  return counted + since;
}

/**
 * The tick of a message: for one's own one-to-one messages 'sending', 'failed', 'sent',
 * 'delivered' or 'read'; for one's own group messages 'sending', 'failed' or 'sent' (the protocol
 * reports neither for groups); null for others' messages.
 */
export function tickOf(item, conversation) {
  if (!item.mine || item.event) {
    return null;
  }
  if (item.status === 'sending' || item.status === 'failed') {
    return item.status;
  }
  if (conversation.kind !== 'user' || typeof item.mid !== 'string') {
    return 'sent';
  }
  if (!after(item.mid, conversation.readByThem)) {
    return 'read';
  }
  if (!after(item.mid, conversation.deliveredUpto)) {
    return 'delivered';
  }
  return 'sent';
}

/** What a tick says, for the meta line and for screen readers. */
export const TICK_WORDS = Object.freeze({
  sending: 'sending…',
  failed: 'not sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
});

/** One tick sent, two delivered, two read (the stylesheet colours those). */
export const TICK_GLYPHS = Object.freeze({
  sending: '…',
  failed: '!',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
});

/**
 * Orders the conversation list: those with a message, the newest first (a message still being
 * sent is the newest of all), then the rest in the order given. Entries: { lastMid, sending }.
 * Returns a new array.
 */
export function byRecency(entries) {
  const rank = (entry) => (entry.sending ? 2 : entry.lastMid ? 1 : 0);
  return entries.map((entry, index) => ({ entry, index })).sort((a, b) => {
    const byRank = rank(b.entry) - rank(a.entry);
    if (byRank !== 0) {
      return byRank;
    }
    if (rank(a.entry) === 1) {
      const byMid = compareMids(b.entry.lastMid, a.entry.lastMid);
      if (byMid !== 0) {
        return byMid;
      }
    }
    return a.index - b.index;
  }).map(({ entry }) => entry);
}
