// Everything the page says in words: refusals by errno, and what happened. The same sentences as
// the console client (EventRenderer), so people read the same thing wherever they chat.

const ERRNO_SENTENCES = Object.freeze({
  1: 'the name or password is wrong',
  2: 'this account is logged in somewhere else; log out there first',
  3: 'you are not logged in',
  4: 'the server did not understand the request',
  5: 'there is no such user or group',
  6: 'you are not allowed to do that',
  7: 'that is done already',
  8: 'you are sending too fast; wait a moment and try again',
  9: 'the message is too large',
  10: 'the server is busy or cannot reach its database; try again shortly',
});

/** PROTOCOL.md: the classic text of errno 2, from the days of one session per user. */
const CLASSIC_ALREADY_ONLINE = 'this account is using, input another!';

/** PROTOCOL.md's errno table texts, which the server sends when it knows nothing more precise. */
const GENERIC_TEXTS = new Set(['not logged in', 'bad request', 'not found', 'forbidden', 'conflict', 'rate limited',
  'frame too large', 'temporarily unavailable, the request was not carried out']);

/**
 * Why a request failed, as a phrase: the sentence for the errno, or the server's own errmsg when it
 * says something more particular (for example which field was wrong).
 *
 * @param error a RequestError (reply null when there was none) or any Error
 */
export function reason(error) {
  const reply = error?.reply;
  if (!reply) {
    return error?.message ?? 'something went wrong';
  }
  const errno = reply.errno;
  const errmsg = typeof reply.errmsg === 'string' ? reply.errmsg.trim() : '';
  // The classic texts of errno 1 and 2 end in '!' and read oddly outside the C++ client's menu;
  // the errno table's own short texts say less than our sentences. A 2.3 server says why a
  // device may not log in (that device is logged in already, or too many are) in errno 2's errmsg.
  const generic = errmsg === '' || errno === 1 || errmsg === CLASSIC_ALREADY_ONLINE
      || GENERIC_TEXTS.has(errmsg.toLowerCase());
  const text = generic ? (ERRNO_SENTENCES[errno] ?? `the server refused it (errno ${errno})`) : errmsg;
  return text.replace(/[.!]+$/, '');
}

/** "Could not add friend 99: there is no such user or group." */
export function failure(action, error) {
  return `Could not ${action}: ${reason(error)}.`;
}

export function label(name, id) {
  return `${name} (${id})`;
}

export const say = Object.freeze({
  addedYou: (friend) => `${label(friend.name, friend.id)} added you as a friend; they are ${state(friend.online)}.`,
  friendAdded: (friend) => `${label(friend.name, friend.id)} is now your friend; they are ${state(friend.online)}.`,
  addedOnAnotherDevice: (friend) => `You (on another device) added ${label(friend.name, friend.id)} as a friend; `
      + `they are ${state(friend.online)}.`,
  presence: (name, id, online) => `${label(name, id)} is now ${state(online)}.`,
  memberJoined: (member, group) => `${label(member.name, member.id)} joined ${label(group.name, group.id)}.`,
  groupCreated: (group) => `Created ${label(group.name, group.id)}; others join with its id, ${group.id}.`,
  groupJoined: (group) => `You joined ${label(group.name, group.id)}.`,
  createdOnAnotherDevice: (group) => `You (on another device) created ${label(group.name, group.id)}.`,
  joinedOnAnotherDevice: (group) => `You (on another device) joined ${label(group.name, group.id)}.`,
  registered: (name) => `Welcome, ${name}! People find you by your name.`,
  loggedIn: (me) => `Logged in as ${me.name}.`,
  awayMessages: (count) => (count === 1 ? '1 message arrived while you were away.'
      : `${count} messages arrived while you were away.`),
  reconnected: () => 'Reconnected; you are logged in again.',
  reconnecting: (ms) => `Connection lost; reconnecting in ${seconds(ms)}…`,
  unreachable: (ms) => `Cannot reach the server; trying again in ${seconds(ms)}…`,
  connecting: () => 'Connecting…',
  previousSessionLive: (ms) => `The server still counts your previous session as live; trying again in ${seconds(ms)}…`,
  sessionExpired: () => 'Your session has ended; please log in again.',
  loadingOlder: () => 'Loading earlier messages…',
  loadingHistory: () => 'Loading the conversation…',
  historyStart: (kind) => (kind === 'group' ? 'No earlier messages since you joined.' : 'No earlier messages.'),
});

function state(online) {
  return online ? 'online' : 'offline';
}

function seconds(ms) {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** "14:05" today, "2026-11-26 14:05" on another day: offline messages may be old. */
export function when(ts, now = new Date()) {
  const at = new Date(ts);
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === now.toDateString()) {
    return time;
  }
  const day = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
  return `${day} ${time}`;
}
