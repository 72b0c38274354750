// What the user asks for, carried out: each command sends its request, updates the state from
// the reply, and resolves with a sentence saying what happened (or rejects with one saying why not).

import { requests } from './protocol.js';
import { failure, say } from './words.js';

/** The conversations listed at login: more than a screen, well under the protocol's 200. */
const CONVERSATIONS_LIMIT = 100;
/** errno 4: what a server before 2.3 answers to CONVERSATIONS. */
const BAD_REQUEST = 4;

export class Commands {
  #requests;
  #state;

  constructor(requestsOut, state) {
    this.#requests = requestsOut;
    this.#state = state;
  }

  /** @param name how the user found them (FIND_USERS), for the sentences; null: by id */
  async addFriend(id, name = null) {
    const ack = await this.#ask(requests.addFriend(id), `add ${name ?? `user ${id}`} as a friend`);
    const friend = this.#state.addFriend(ack.friend ?? { id, name: name ?? `user ${id}`, state: 'offline' });
    return say.friendAdded(friend);
  }

  /** 2.3 FIND_USERS: up to 20 { id, name, state } whose names start with the prefix, shortest first. */
  async findUsers(prefix) {
    const ack = await this.#ask(requests.findUsers(prefix), `find people called "${prefix}…"`);
    return (Array.isArray(ack.users) ? ack.users : [])
        .filter((user) => Number.isInteger(user.id) && typeof user.name === 'string');
  }

  /**
   * 2.3 CONVERSATIONS into the state: the list's order, last messages, unread counts and the other
   * users' read marks. A server before 2.3 does not know the request: the page then counts unread
   * itself, as it did. Resolves when done; never rejects (the list is there either way).
   */
  async loadConversations() {
    try {
      const ack = await this.#requests.send(requests.conversations(CONVERSATIONS_LIMIT));
      if (Array.isArray(ack.conversations)) {
        this.#state.listed(ack.conversations);
      }
    } catch (error) {
      if (error.reply?.errno !== BAD_REQUEST) {
        console.warn('could not load the conversation list', error.message);
      }
    }
  }

  async createGroup(name, description) {
    const ack = await this.#ask(requests.createGroup(name, description), `create group ${name}`);
    const me = this.#state.me;
    const group = this.#state.addGroup({ id: ack.groupid, groupname: name, groupdesc: description,
      users: [{ id: me.id, name: me.name, state: 'online', role: 'creator' }] });
    this.#state.event('group', group.id, say.groupCreated(group));
    return say.groupCreated(group);
  }

  async joinGroup(id) {
    const ack = await this.#ask(requests.joinGroup(id), `join group ${id}`);
    const group = this.#state.addGroup(ack.group ?? { id, groupname: `group ${id}`, users: [] });
    this.#state.event('group', group.id, say.groupJoined(group));
    return say.groupJoined(group);
  }

  /**
   * Sends a message: it shows at once as 'sending', then as sent (saying whether the friend gets it
   * now or at their next login) or as failed, saying why.
   */
  async send(kind, id, text) {
    const message = this.#state.outgoing(kind, id, text);
    const frame = kind === 'group' ? requests.groupChat(id, text) : requests.chat(id, text);
    try {
      const ack = await this.#requests.send(frame);
      this.#state.settle(kind, id, message, 'sent', sentNote(kind, ack), ack.mid ?? null);
    } catch (error) {
      this.#state.settle(kind, id, message, 'failed', failure('send it', error));
    }
  }

  async #ask(frame, action) {
    try {
      return await this.#requests.send(frame);
    } catch (error) {
      throw new Error(failure(action, error));
    }
  }
}

function sentNote(kind, ack) {
  if (kind === 'group') {
    const online = ack.online ?? 0;
    const offline = ack.offline ?? 0;
    return offline === 0 ? `sent to ${online} online` : `sent to ${online} online, ${offline} later`;
  }
  // One-to-one: the tick says sent, delivered (DELIVERED) and read (READ_NOTICE), chat-state.js.
  return '';
}
