// The LoomChat wire protocol as the page speaks it (PROTOCOL.md, modern dialect over WebSocket):
// message types, building requests, and reading the server's frames.

export const MsgId = Object.freeze({
  LOGIN: 1,
  LOGIN_ACK: 2,
  LOGOUT: 3,
  REGISTER: 4,
  REGISTER_ACK: 5,
  ONE_CHAT: 6,
  ADD_FRIEND: 7,
  CREATE_GROUP: 8,
  ADD_GROUP: 9,
  GROUP_CHAT: 10,
  ACK: 11,
  PING: 12,
  PONG: 13,
  PRESENCE: 14,
  RECEIPT: 15,
  FRIEND_ADDED: 16,
  GROUP_JOINED: 17,
  HISTORY: 18,
  CONVERSATIONS: 19,
  READ: 20,
  READ_NOTICE: 21,
  DELIVERED: 22,
  TYPING: 23,
  FIND_USERS: 24,
});

/** Replies: they echo the request's seq. Everything else the server sends is a push. */
const REPLIES = new Set([MsgId.LOGIN_ACK, MsgId.REGISTER_ACK, MsgId.ACK, MsgId.PONG]);

export function isReply(frame) {
  return REPLIES.has(frame.msgid);
}

export function isChat(frame) {
  return frame.msgid === MsgId.ONE_CHAT || frame.msgid === MsgId.GROUP_CHAT;
}

/** PROTOCOL.md: 1 to 1,000 mids per RECEIPT. */
export const MAX_MIDS_PER_RECEIPT = 1000;

/** PROTOCOL.md: msg is 1 to 4,096 characters by default. */
export const MAX_MESSAGE_LENGTH = 4096;

// A mid is a 64-bit integer and most are above 2^53, where a JavaScript number can no longer
// hold every integer: JSON.parse would round them, and a RECEIPT would then confirm the wrong
// message. So mids are read from their source text and kept as decimal strings: the fields that
// hold one (mid, and 2.3's upto and read_by_them) and the elements of DELIVERED's mids, the only
// array of numbers the server sends. Browsers that hand the reviver the source text (JSON.parse
// source text access) do it exactly; for the others the mid numbers are quoted before parsing.
// Outside strings such a key can only be one the server wrote, and inside a JSON string every
// quote is escaped, so the patterns cannot match user text.
const MID_KEYS = new Set(['mid', 'upto', 'read_by_them']);

const READS_SOURCE = (() => {
  try {
    return JSON.parse('1', (key, value, context) => context?.source) === '1';
  } catch {
    return false;
  }
})();

function keepMidExact(key, value, context) {
  if (typeof value !== 'number') {
    return value;
  }
  return MID_KEYS.has(key) || Array.isArray(this) ? context.source : value;
}

const MID_NUMBERS = /"(mid|upto|read_by_them)":\s*(\d+)/g;
const MID_ARRAYS = /"mids":\s*\[([\d,\s]*)\]/g;

/** One frame the server sent, as an object; throws SyntaxError when it is not JSON. */
export function parseFrame(text) {
  if (READS_SOURCE) {
    return JSON.parse(text, keepMidExact);
  }
  return JSON.parse(text.replace(MID_NUMBERS, '"$1":"$2"')
      .replace(MID_ARRAYS, (all, list) => `"mids":[${list.split(',').map((mid) => mid.trim()).filter(Boolean)
          .map((mid) => `"${mid}"`).join(',')}]`));
}

// Requests name mids too (HISTORY's before, READ's upto): held as decimal strings, they must go
// out as JSON integers, or the server refuses them. The same argument as above keeps user text out of reach.
const MID_FIELDS = /"(before|upto)":"(\d{1,20})"/g;

/** The text of a request frame; mids given as decimal strings go out as integers. */
export function encode(frame) {
  return JSON.stringify(frame).replace(MID_FIELDS, '"$1":$2');
}

/**
 * A RECEIPT for mids held as decimal strings: written by hand so that they stay integers. The seq,
 * if given, comes back in a refusal (receipt-resends.js).
 */
export function encodeReceipt(mids, seq = null) {
  const digits = mids.filter((mid) => /^\d{1,20}$/.test(mid));
  const tail = seq === null ? '' : `,"seq":${JSON.stringify(seq)}`;
  return `{"msgid":${MsgId.RECEIPT},"mids":[${digits.join(',')}]${tail}}`;
}

export const requests = Object.freeze({
  register: (name, password) => ({ msgid: MsgId.REGISTER, name, password }),
  // Protocol 2.2 receipts: the server keeps each message until this page confirms it. 2.3: the
  // device (this browser) makes the session one of the user's devices; null leaves it out.
  loginWithPassword: (id, password, device) => withDevice({ msgid: MsgId.LOGIN, id, password, receipts: true }, device),
  /** 2.3: by the name the user registered; the ack gives the id, kept for tokens and later logins. */
  loginByName: (name, password, device) => withDevice({ msgid: MsgId.LOGIN, name, password, receipts: true }, device),
  loginWithToken: (id, token, device) => withDevice({ msgid: MsgId.LOGIN, id, token, receipts: true }, device),
  logout: () => ({ msgid: MsgId.LOGOUT }),
  chat: (toid, msg) => ({ msgid: MsgId.ONE_CHAT, toid, msg }),
  groupChat: (groupid, msg) => ({ msgid: MsgId.GROUP_CHAT, groupid, msg }),
  addFriend: (friendid) => ({ msgid: MsgId.ADD_FRIEND, friendid }),
  createGroup: (groupname, groupdesc) => ({ msgid: MsgId.CREATE_GROUP, groupname, groupdesc }),
  joinGroup: (groupid) => ({ msgid: MsgId.ADD_GROUP, groupid }),
  ping: () => ({ msgid: MsgId.PING }),
  /** 2.3: the newest {@code limit} messages of a conversation, older than {@code before} (a mid) if given. */
  history: (kind, id, limit, before = null) => {
    const frame = kind === 'group' ? { msgid: MsgId.HISTORY, groupid: id, limit } : { msgid: MsgId.HISTORY, with: id, limit };
    return before === null ? frame : { ...frame, before };
  },
  /** 2.3: the user's conversations, the most recently active first, with unread counts. */
  conversations: (limit) => ({ msgid: MsgId.CONVERSATIONS, limit }),
  /** 2.3: read up to and including {@code upto} (a mid); no reply. */
  read: (kind, id, upto) => (kind === 'group' ? { msgid: MsgId.READ, groupid: id, upto } : { msgid: MsgId.READ, with: id, upto }),
  /** 2.3: the user is typing in a conversation; no reply, and at most one every 3 s counts. */
  typing: (kind, id) => (kind === 'group' ? { msgid: MsgId.TYPING, groupid: id } : { msgid: MsgId.TYPING, to: id }),
  /** 2.3: up to 20 users whose names start with {@code prefix}, without case. */
  findUsers: (prefix) => ({ msgid: MsgId.FIND_USERS, name: prefix }),
});

function withDevice(frame, device) {
  return device === null || device === undefined ? frame : { ...frame, device };
}
