// The order of one conversation's lines, with no DOM: messages by mid, whichever way they came
// (a HISTORY page, a live or backlog frame, the ACK of what this page sent), each mid once.
// PROTOCOL.md 2.3: "A conversation's history is ordered by mid". HISTORY pages and delivered
// frames overlap (a message is in the history before its recipients get it), so every
// addition is checked against the mids already there.
//
// Items: messages { mid, mine, status?, ... }, and event lines { event: true, after }. A line
// without a mid of its own is placed by `after`, the newest mid the conversation had when it
// happened; a message this page is still sending (no mid yet) stays at the end.

/** Compares two mids held as decimal strings (above 2^53, so not as numbers); '0' sorts first. */
export function compareMids(a, b) {
  if (a.length !== b.length) {
    return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function sending(item) {
  return !item.event && item.mid === null && item.status === 'sending';
}

function place(item) {
  return item.mid ?? item.after ?? '0';
}

function order(a, b) {
  if (sending(a) || sending(b)) {
    return Number(sending(a)) - Number(sending(b));
  }
  // A line placed after a mid comes after the message with that mid.
  return compareMids(place(a), place(b)) || Number(a.mid === null) - Number(b.mid === null);
}

/** Sorts the items in place; stable, so lines placed alike keep the order they came in. */
export function sortItems(items) {
  items.sort(order);
  return items;
}

/**
 * Adds the messages whose mid is not among the items yet and keeps the items in order; returns
 * those added. Messages without a mid (an older server) are always added, at their place.
 */
export function mergeMessages(items, messages) {
  const known = new Set(items.filter((item) => item.mid !== null && item.mid !== undefined).map((item) => item.mid));
  const added = [];
  for (const message of messages) {
    if (message.mid === null || message.mid === undefined || !known.has(message.mid)) {
      if (message.mid !== null && message.mid !== undefined) {
        known.add(message.mid);
      }
      added.push(message);
    }
  }
  if (added.length > 0) {
    items.push(...added);
    sortItems(items);
  }
  return added;
}

/**
 * A message of this page's got its mid from the ACK: it keeps its place by that mid, and a copy
 * of the same mid that arrived first (a HISTORY page asked for meanwhile) goes.
 */
export function settleMid(items, message, mid) {
  message.mid = mid;
  for (let i = items.length - 1; i >= 0; i--) {
    if (items[i] !== message && items[i].mid === mid) {
      items.splice(i, 1);
    }
  }
  sortItems(items);
}

/** The newest mid among the items, '0' when none has one: where an event line is placed. */
export function newestMid(items) {
  let newest = '0';
  for (const item of items) {
    if (!item.event && item.mid !== null && item.mid !== undefined && compareMids(item.mid, newest) > 0) {
      newest = item.mid;
    }
  }
  return newest;
}

/** The oldest mid among the items, null when none has one: the next older page ends before it. */
export function oldestMid(items) {
  let oldest = null;
  for (const item of items) {
    if (!item.event && item.mid !== null && item.mid !== undefined && (oldest === null || compareMids(item.mid, oldest) < 0)) {
      oldest = item.mid;
    }
  }
  return oldest;
}
