// What the page knows: who is logged in, their friends and groups with presence, and one
// conversation per friend or group: its messages (pages of the server's history and what arrived
// since, in mid order, each once) and its unread count. Filled from the login ack and kept current
// from pushes and replies; views read it and listen for 'change' (detail.what: 'roster',
// 'conversation' with detail.key, or 'viewing').

import { mergeMessages, newestMid, settleMid, sortItems } from './timeline.js';

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
   * key -> { key, kind: 'user'|'group', id, items: [...], unread, history }; history says what
   * the server's history gave so far (history.js): { state, more, loadingOlder, stale, error }.
   */
  conversations = new Map();
  /** The conversation on screen, or null (none chosen, the list on a phone, the tab hidden). */
  viewing = null;

  /** Everything from a successful login ack; conversations of the same user are kept. */
  loggedIn(ack) {
    if (this.me !== null && this.me.id !== ack.id) {
      this.conversations.clear();
      this.strangers.clear();
    }
    this.me = { id: ack.id, name: ack.name ?? '?' };
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
        key, kind, id, items: [], unread: 0,
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
    if (added && !mine && conversation.key !== this.viewing) {
      conversation.unread++;
    }
    this.#changed('conversation', conversation.key);
    return conversation;
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

  /** The conversation now on screen (null: none); its messages count as read. */
  view(key) {
    this.viewing = key;
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
    this.me = { id: me.id, name: me.name ?? '?' };
    this.strangers = new Map(strangers.filter(([id]) => Number.isInteger(id)));
    this.#changed('roster');
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
