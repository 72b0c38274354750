// What the user asks for, carried out: each command sends its request, updates the state from
// the reply, and resolves with a sentence saying what happened (or rejects with one saying why not).

import { requests } from './protocol.js';
import { failure, say } from './words.js';

export class Commands {
  #requests;
  #state;

  constructor(requestsOut, state) {
    this.#requests = requestsOut;
    this.#state = state;
  }

  async addFriend(id) {
    const ack = await this.#ask(requests.addFriend(id), `add user ${id} as a friend`);
    const friend = this.#state.addFriend(ack.friend ?? { id, name: `user ${id}`, state: 'offline' });
    return say.friendAdded(friend);
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
  return ack.stored === 'offline' ? 'sent; delivered at their next login' : 'delivered';
}
