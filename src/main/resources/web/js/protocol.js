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
// message. So mids are read from their source text and kept as decimal strings. Browsers that
// hand the reviver the source text (JSON.parse source text access) do it exactly; for the
// others the mid numbers are quoted before parsing. Outside strings a "mid" key can only be
// one the server wrote, and inside a JSON string every quote is escaped, so the pattern cannot
// match user text.
const READS_SOURCE = (() => {
  try {
    return JSON.parse('1', (key, value, context) => context?.source) === '1';
  } catch {
    return false;
  }
})();

function keepMidExact(key, value, context) {
  return key === 'mid' && typeof value === 'number' ? context.source : value;
}

/** One frame the server sent, as an object; throws SyntaxError when it is not JSON. */
export function parseFrame(text) {
  if (READS_SOURCE) {
    return JSON.parse(text, keepMidExact);
  }
  return JSON.parse(text.replace(/"mid":\s*(\d+)/g, '"mid":"$1"'));
}

// Requests name mids too (HISTORY's before): held as decimal strings, they must go out as JSON
// integers, or the server refuses them. The same argument as above keeps user text out of reach.
const MID_FIELDS = /"(before)":"(\d{1,20})"/g;

/** The text of a request frame; mids given as decimal strings go out as integers. */
export function encode(frame) {
  return JSON.stringify(frame).replace(MID_FIELDS, '"$1":$2');
}

/** A RECEIPT for mids held as decimal strings: written by hand so that they stay integers. */
export function encodeReceipt(mids) {
  const digits = mids.filter((mid) => /^\d{1,20}$/.test(mid));
  return `{"msgid":${MsgId.RECEIPT},"mids":[${digits.join(',')}]}`;
}

export const requests = Object.freeze({
  register: (name, password) => ({ msgid: MsgId.REGISTER, name, password }),
  // Protocol 2.2 receipts: the server keeps each message until this page confirms it. 2.3: the
  // device (this browser) makes the session one of the user's devices; null leaves it out.
  loginWithPassword: (id, password, device) => withDevice({ msgid: MsgId.LOGIN, id, password, receipts: true }, device),
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
});

function withDevice(frame, device) {
  return device === null || device === undefined ? frame : { ...frame, device };
}
