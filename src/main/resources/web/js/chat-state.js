// What the page knows: who is logged in, their friends and groups with presence, and one
// conversation per friend or group with the history of this session and its unread count.
// Filled from the login ack and kept current from pushes and replies; views read it and listen
// for 'change' (detail.what: 'roster', 'conversation' with detail.key, or 'viewing').

/** The history kept per conversation: enough for a session, small enough for session storage. */
const HISTORY_LIMIT = 300;

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
  /** key -> { key, kind: 'user'|'group', id, items: [...], unread } */
  conversations = new Map();
  /** The conversation on screen, or null (none chosen, the list on a phone, the tab hidden). */
  viewing = null;

  /** Everything from a successful login ack; conversations of the same user are kept. */
  loggedIn(ack) {
    if (this.me !== null && this.me.id !== ack.id) {
      this.conversations.clear();
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
      found = { key, kind, id, items: [], unread: 0 };
      this.conversations.set(key, found);
    }
    return found;
  }

  /** A chat frame (msgid 6 or 10) that is to be shown: into its conversation, unread unless on screen. */
  incoming(frame, kind) {
    const conversation = kind === 'group' ? this.conversation('group', frame.groupid)
        : this.conversation('user', frame.id);
    if (kind === 'user' && !this.friends.has(frame.id)) {
      this.strangers.set(frame.id, frame.name ?? '?');
    }
    this.#append(conversation, {
      mid: frame.mid ?? null,
      mine: false,
      from: { id: frame.id, name: frame.name ?? '?' },
      text: String(frame.msg ?? ''),
      ts: typeof frame.ts === 'number' ? frame.ts : Date.now(),
      offline: frame.offline === true,
    });
    if (conversation.key !== this.viewing) {
      conversation.unread++;
    }
    this.#changed('conversation', conversation.key);
    return conversation;
  }

  /** What this user sends: shown at once as 'sending', settled by the reply. */
  outgoing(kind, id, text) {
    const conversation = this.conversation(kind, id);
    const message = { mid: null, mine: true, from: { ...this.me }, text, ts: Date.now(), status: 'sending', note: '' };
    this.#append(conversation, message);
    this.#changed('conversation', conversation.key);
    return message;
  }

  settle(kind, id, message, status, note, mid = null) {
    message.status = status;
    message.note = note;
    message.mid = mid ?? message.mid;
    this.#changed('conversation', conversationKey(kind, id));
  }

  /** A line about what happened (someone joined, added you, ...), in a conversation's history. */
  event(kind, id, text) {
    const conversation = this.conversation(kind, id);
    this.#append(conversation, { event: true, text, ts: Date.now() });
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

  /** The conversations to keep over a reload (saved-session.js). */
  snapshot() {
    return {
      strangers: [...this.strangers],
      conversations: [...this.conversations.values()].map(({ key, kind, id, items, unread }) =>
        ({ key, kind, id, items: items.slice(-HISTORY_LIMIT), unread })),
    };
  }

  /** Before the login ack: who was logged in, and the conversations saved for the tab. */
  restore(me, saved) {
    this.me = { id: me.id, name: me.name ?? '?' };
    this.strangers = new Map(saved.strangers ?? []);
    this.conversations = new Map((saved.conversations ?? []).map((conversation) => {
      // A message whose reply never came (the page went away first) may or may not have been sent.
      conversation.items.filter((item) => item.mine && item.status === 'sending').forEach((item) => {
        item.status = 'unknown';
        item.note = 'may not have been sent';
      });
      return [conversation.key, conversation];
    }));
    this.#changed('roster');
  }

  #append(conversation, item) {
    conversation.items.push(item);
    if (conversation.items.length > HISTORY_LIMIT) {
      conversation.items.splice(0, conversation.items.length - HISTORY_LIMIT);
    }
  }

  #changed(what, key = null) {
    this.dispatchEvent(new CustomEvent('change', { detail: { what, key } }));
  }
}
