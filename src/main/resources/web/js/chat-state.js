// What the page knows: who is logged in, their friends and groups with presence, and one
// conversation per friend or group: its messages (pages of the server's history and what arrived
// since, in mid order, each once), its newest message, unread count and read marks (2.3), and who
// is typing in it. Filled from the login ack and CONVERSATIONS, kept current from pushes and
// replies; views read it and listen for 'change' (detail.what: 'roster', 'conversation' with
// detail.key, 'viewing', or 'typing' with detail.key).

import { laterMid, unreadAfterRead, unreadFromServer } from './read-state.js';
import { compareMids, mergeMessages, newestMid, settleMid, sortItems } from './timeline.js';
import { TypingIndicator } from './typing.js';

export function conversationKey(kind, id) {
  return `${kind}:${id}`;
}

function person(node) {
  return { id: node.id, name: node.name ?? '?', online: node.state === 'online' };
}

function member(node) {
  return { ...person(node), role: node.role ?? 'normal' };
}

function group(node) {
  return {
    id: node.id,
    name: node.groupname ?? '?',
    description: node.groupdesc ?? '',
    members: new Map((node.users ?? []).map((user) => [user.id, member(user)])),
  };
}

export class ChatState extends EventTarget {
  me = null;
  /** id -> { id, name, online }, in the order the server listed them, then as added. */
  friends = new Map();
  /** id -> { id, name, description, members: Map(id -> { id, name, online, role }) } */
  groups = new Map();
  /** Names of people who wrote to us and are no friends (yet), by id. */
  strangers = new Map();
  /**
   * key -> { key, kind: 'user'|'group', id, items: [...], unread, last, readUpto, readByThem,
   * deliveredUpto, history }; last is the newest message known (an item), the marks are mids
   * (read-state.js); history says what the server's history gave so far (history.js): { state,
   * more, loadingOlder, stale, error }.
   */
  conversations = new Map();
  /** The conversation chosen in the list (highlighted), or null. */
  selected = null;
  /**
   * The conversation the user is looking at, or null (none chosen, the list on a phone, the tab
   * hidden, the window without focus): its messages count as read.
   */
  viewing = null;
  /** Who is typing where (typing.js), by conversation key. */
  typing = new TypingIndicator();

  /** Everything from a successful login ack; conversations of the same user are kept. */
  loggedIn(ack) {
    if (this.me !== null && this.me.id !== ack.id) {
      this.conversations.clear();
      this.strangers.clear();
    }
    this.me = { id: ack.id, name: ack.name ?? '?', device: typeof ack.device === 'string' ? ack.device : null };
    this.friends = new Map((ack.friends ?? []).map((node) => [node.id, person(node)]));
    this.groups = new Map((ack.groups ?? []).map((node) => [node.id, group(node)]));
    this.#changed('roster');
  }

  clear() {
    this.me = null;
    this.friends.clear();
    this.groups.clear();
    this.strangers.clear();
    this.conversations.clear();
    this.viewing = null;
    this.selected = null;
    this.typing.clear();
    this.#changed('roster');
  }

  addFriend(node) {
    const friend = person(node);
    this.friends.set(friend.id, friend);
    this.strangers.delete(friend.id);
    this.#changed('roster');
    return friend;
  }

  addGroup(node) {
    const added = group(node);
    this.groups.set(added.id, added);
    this.#changed('roster');
    return added;
  }

  /** 2.2 GROUP_JOINED: returns the group, or null when it is not one of ours. */
  memberJoined(groupId, node) {
    const joined = this.groups.get(groupId);
    if (joined === undefined) {
      return null;
    }
    const newcomer = member(node);
    joined.members.set(newcomer.id, newcomer);
    this.#changed('roster');
    return joined;
  }

  /**
   * A presence change. The server sends PRESENCE only to friends, so someone not known as a friend
   * must have befriended us meanwhile: from now on they are one.
   */
  presence(id, name, online) {
    this.friends.set(id, { id, name, online });
    this.strangers.delete(id);
    for (const each of this.groups.values()) {
      const known = each.members.get(id);
      if (known !== undefined) {
        known.online = online;
      }
    }
    this.#changed('roster');
  }

  conversation(kind, id) {
    const key = conversationKey(kind, id);
    let found = this.conversations.get(key);
    if (found === undefined) {
      found = {
        key, kind, id, items: [], unread: 0, last: null, readUpto: '0', readByThem: '0', deliveredUpto: '0',
        history: { state: 'unloaded', more: false, loadingOlder: false, stale: false, error: '' },
      };
      this.conversations.set(key, found);
    }
    return found;
  }

  /**
   * A chat frame (msgid 6 or 10) that is to be shown, live or from the backlog: into its
   * conversation, unread unless on screen or sent by this user. 2.3 carbons, what the user sent
   * from another device, come with the user's own id as the sender: they are this user's own,
   * in the conversation with toid (or the group). Returns the conversation.
   */
  incoming(frame, kind) {
    const mine = this.#mine(frame);
    const conversation = this.conversation(kind, kind === 'group' ? frame.groupid : this.#other(frame));
    if (kind === 'user') {
      this.#noteStranger(conversation.id, mine ? null : frame.name);
    }
    const item = this.#item(frame, conversation.items);
    item.offline = frame.offline === true;
    if (mine) {
      item.note = 'from your other device';
    }
    const added = mergeMessages(conversation.items, [item]).length > 0;
    if (added && !mine && conversation.key !== this.viewing
        && (item.mid === null || compareMids(item.mid, conversation.readUpto) > 0)) {
      conversation.unread++;
    }
    if (added) {
      this.#newLast(conversation, item);
    }
    if (!mine && this.typing.stopped(conversation.key, frame.id)) {
      this.#changed('typing', conversation.key);
    }
    this.#changed('conversation', conversation.key);
    return conversation;
  }

  /**
   * The server's CONVERSATIONS: each entry's newest message, unread count (plus what arrived
   * live after the server counted) and the other user's read mark. Conversations it does not list
   * keep what the page knows. The one on screen stays read: the page marks it read next.
   */
  listed(entries) {
    for (const entry of entries) {
      const kind = entry.groupid !== undefined ? 'group' : 'user';
      const id = kind === 'group' ? entry.groupid : entry.with;
      if (!Number.isInteger(id)) {
        continue;
      }
      const conversation = this.conversation(kind, id);
      if (kind === 'user') {
        this.#noteStranger(id, entry.name);
      }
      const last = entry.last && typeof entry.last === 'object' ? this.#item(entry.last, conversation.items) : null;
      if (last !== null) {
        this.#newLast(conversation, last);
      }
      const counted = Number.isInteger(entry.unread) ? entry.unread : 0;
      conversation.unread = conversation.key === this.viewing ? 0
          : unreadFromServer(counted, last?.mid ?? null, conversation.items);
      if (counted === 0 && last !== null && last.mid !== null) {
        conversation.readUpto = laterMid(conversation.readUpto, last.mid);
      }
      if (typeof entry.read_by_them === 'string') {
        conversation.readByThem = laterMid(conversation.readByThem, entry.read_by_them);
      }
    }
    this.#changed('roster');
  }

  /**
   * READ_NOTICE: another device of this user read a conversation (the unread count follows; true
   * when the page cannot work it out and should ask the server), or, one-to-one, the other user
   * read this user's messages (their ticks follow).
   */
  readNotice(frame) {
    if (this.me === null || typeof frame.upto !== 'string') {
      return false;
    }
    const kind = frame.groupid !== undefined ? 'group' : 'user';
    const conversation = this.conversation(kind, kind === 'group' ? frame.groupid : frame.with);
    let unknown = false;
    if (frame.reader === this.me.id) {
      conversation.readUpto = laterMid(conversation.readUpto, frame.upto);
      const unread = unreadAfterRead(conversation, frame.upto);
      if (unread === null) {
        unknown = true;
      } else {
        conversation.unread = Math.min(conversation.unread, unread);
      }
    } else if (kind === 'user' && frame.reader === frame.with) {
      conversation.readByThem = laterMid(conversation.readByThem, frame.upto);
      conversation.deliveredUpto = laterMid(conversation.deliveredUpto, frame.upto);
    }
    this.#changed('conversation', conversation.key);
    return unknown;
  }

  /** DELIVERED: a device of the other user confirmed some of this user's messages. */
  delivered(withId, mids) {
    const conversation = this.conversation('user', withId);
    for (const mid of mids) {
      if (typeof mid === 'string') {
        conversation.deliveredUpto = laterMid(conversation.deliveredUpto, mid);
      }
    }
    this.#changed('conversation', conversation.key);
  }

  /** The page told the server it read a conversation up to {@code upto}. */
  markedRead(conversation, upto) {
    conversation.readUpto = laterMid(conversation.readUpto, upto);
  }

  /** TYPING from someone, at {@code now}: in the conversation with them, or in the group. */
  typingHeard(frame, now) {
    if (this.me === null || !Number.isInteger(frame.id) || frame.id === this.me.id) {
      return;
    }
    const kind = frame.groupid !== undefined ? 'group' : 'user';
    const key = conversationKey(kind, kind === 'group' ? frame.groupid : frame.id);
    this.typing.heard(key, frame.id, frame.name ?? this.nameOf('user', frame.id), now);
    this.#changed('typing', key);
  }

  /** Someone stopped typing without a message (their time ran out): views redraw. */
  typingExpired() {
    this.#changed('typing', null);
  }

  /**
   * A page of the server's history for a conversation (frames oldest first): merged with what is
   * there, each mid once. The past is never unread. Returns how many messages were new here.
   */
  historyPage(conversation, frames) {
    const items = frames.map((frame) => this.#item(frame, conversation.items));
    for (const frame of frames) {
      if (conversation.kind === 'user' && frame.id === conversation.id) {
        this.#noteStranger(conversation.id, frame.name);
      }
    }
    const added = mergeMessages(conversation.items, items).length;
    for (const item of items) {
      this.#newLast(conversation, item);
    }
    this.#changed('conversation', conversation.key);
    return added;
  }

  /** The history of a conversation changed state (loading, loaded, failed...): views redraw. */
  historyChanged(conversation) {
    this.#changed('conversation', conversation.key);
  }

  /** What this user sends: shown at once as 'sending', settled by the reply. */
  outgoing(kind, id, text) {
    const conversation = this.conversation(kind, id);
    const message = {
      mid: null, after: newestMid(conversation.items), mine: true, from: { ...this.me }, text, ts: Date.now(),
      status: 'sending', note: '',
    };
    conversation.items.push(message);
    conversation.last = message;
    this.#changed('conversation', conversation.key);
    return message;
  }

  settle(kind, id, message, status, note, mid = null) {
    const conversation = this.conversation(kind, id);
    message.status = status;
    message.note = note;
    message.after = newestMid(conversation.items);
    if (mid !== null) {
      settleMid(conversation.items, message, mid);
    } else {
      sortItems(conversation.items); // no longer 'sending': placed where it was written
    }
    this.#changed('conversation', conversation.key);
  }

  /** A line about what happened (someone joined, added you, ...), in a conversation's history. */
  event(kind, id, text) {
    const conversation = this.conversation(kind, id);
    conversation.items.push({ event: true, mid: null, after: newestMid(conversation.items), text, ts: Date.now() });
    this.#changed('conversation', conversation.key);
  }

  /**
   * The conversation chosen ({@code selected}, null: none) and the one the user is looking at
   * ({@code key}, null: none); the messages of the latter count as read.
   */
  view(key, selected = key) {
    this.viewing = key;
    this.selected = selected;
    const conversation = key === null ? undefined : this.conversations.get(key);
    if (conversation !== undefined) {
      conversation.unread = 0;
    }
    this.#changed('viewing', key);
  }

  totalUnread() {
    let total = 0;
    for (const conversation of this.conversations.values()) {
      total += conversation.unread;
    }
    return total;
  }

  /** "bob" for user 2 if we know the name, "user 2" otherwise; "team" or "group 7". */
  nameOf(kind, id) {
    if (kind === 'group') {
      return this.groups.get(id)?.name ?? `group ${id}`;
    }
    return this.friends.get(id)?.name ?? this.strangers.get(id) ?? `user ${id}`;
  }

  /** People who wrote and are no friends, to keep over a reload (saved-session.js): [[id, name]...]. */
  knownStrangers() {
    return [...this.strangers];
  }

  /**
   * Before the login ack of a reload: who was logged in, and the strangers this tab knew of (the
   * server's history has their messages, but nothing that lists who they were).
   */
  restore(me, strangers) {
    this.me = { id: me.id, name: me.name ?? '?', device: null }; // known again at the login that follows
    this.strangers = new Map(strangers.filter(([id]) => Number.isInteger(id)));
    this.#changed('roster');
  }

  /** A message becomes the conversation's newest when it is (a message being sent stays newest). */
  #newLast(conversation, item) {
    const { last } = conversation;
    if (last === null || (last.mid !== null && item.mid !== null && compareMids(item.mid, last.mid) > 0)
        || (last.mid === null && last.status !== 'sending' && item.mid !== null)) {
      conversation.last = item;
    }
  }

  /** One of the user's own messages, from this page or another device of the user's. */
  #mine(frame) {
    return this.me !== null && frame.id === this.me.id;
  }

  /** Whom a one-to-one frame is with: the sender, or for the user's own messages the recipient. */
  #other(frame) {
    return this.#mine(frame) ? frame.toid : frame.id;
  }

  /** A chat frame as a line of its conversation. */
  #item(frame, items) {
    const mine = this.#mine(frame);
    const item = {
      mid: typeof frame.mid === 'string' ? frame.mid : null,
      mine,
      from: { id: frame.id, name: frame.name ?? '?' },
      text: String(frame.msg ?? ''),
      ts: typeof frame.ts === 'number' ? frame.ts : Date.now(),
    };
    if (item.mid === null) {
      item.after = newestMid(items); // an older server: where it arrived
    }
    if (mine) {
      item.status = 'sent';
      item.note = '';
    }
    return item;
  }

  /** Someone in a one-to-one conversation who is no friend: listed, by name once known. */
  #noteStranger(id, name) {
    if (this.friends.has(id) || id === this.me?.id) {
      return;
    }
    const known = this.strangers.get(id);
    if (typeof name === 'string' && name !== '' && name !== known) {
      this.strangers.set(id, name);
      this.#changed('roster');
    } else if (known === undefined) {
      this.strangers.set(id, null);
      this.#changed('roster');
    }
  }

  #changed(what, key = null) {
    this.dispatchEvent(new CustomEvent('change', { detail: { what, key } }));
  }
}
