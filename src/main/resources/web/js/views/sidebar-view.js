// The sidebar: who is logged in and whether the connection is up, the forms that add a friend or
// create or join a group, and the conversations: friends and people who wrote (or whom the user
// wrote from another device) without being friends, and groups, with presence and unread counts.

import { conversationKey } from '../chat-state.js';
import { byId, el, paintAvatar } from '../dom.js';

export class SidebarView {
  #state;
  #commands;
  #open;
  #result = byId('action-result');
  #resultTimer = null;

  /** @param open (key) shows a conversation */
  constructor(state, commands, open) {
    this.#state = state;
    this.#commands = commands;
    this.#open = open;
    state.addEventListener('change', () => this.render());
    this.#form('add-friend-form', async () => {
      const id = positive(byId('add-friend-id').value);
      const text = await this.#commands.addFriend(id);
      byId('add-friend-id').value = '';
      return text;
    });
    this.#form('create-group-form', async () => {
      const text = await this.#commands.createGroup(byId('create-group-name').value.trim(),
          byId('create-group-desc').value.trim());
      byId('create-group-name').value = '';
      byId('create-group-desc').value = '';
      return text;
    });
    this.#form('join-group-form', async () => {
      const id = positive(byId('join-group-id').value);
      const text = await this.#commands.joinGroup(id);
      byId('join-group-id').value = '';
      return text;
    });
  }

  /** The connection is up (true), or being re-established (false). */
  linkState(up) {
    const dot = byId('link-state');
    dot.className = `link-state ${up ? 'up' : 'down'}`;
    dot.title = up ? 'Connected' : 'Reconnecting';
  }

  render() {
    const { me } = this.#state;
    if (me === null) {
      return;
    }
    byId('me-name').textContent = me.name;
    byId('me-id').textContent = `Your user id: ${me.id}`;
    paintAvatar(byId('me-avatar'), me.name, me.id);

    const people = [...this.#state.friends.values()].map((friend) => this.#person(friend, true));
    for (const id of this.#state.strangers.keys()) {
      people.push(this.#person({ id, name: this.#state.nameOf('user', id), online: false }, false));
    }
    byId('friends').replaceChildren(...people);
    byId('friends-empty').hidden = people.length > 0;

    const groups = [...this.#state.groups.values()].map((group) => this.#group(group));
    byId('groups').replaceChildren(...groups);
    byId('groups-empty').hidden = groups.length > 0;
  }

  #person(person, friend) {
    const key = conversationKey('user', person.id);
    // Presence is only known for friends: the server tells nobody else.
    const presence = friend ? ` presence${person.online ? ' online' : ''}` : '';
    const avatar = el('span', { class: `avatar${presence}`, 'aria-hidden': 'true' });
    paintAvatar(avatar, person.name, person.id);
    const detail = friend ? `${person.online ? 'online' : 'offline'} · id ${person.id}` : `not a friend · id ${person.id}`;
    return this.#entry(key, avatar, person.name, this.#preview(key) ?? detail, 'friend', person.id);
  }

  #group(group) {
    const key = conversationKey('group', group.id);
    const avatar = el('span', { class: 'avatar group', 'aria-hidden': 'true' });
    paintAvatar(avatar, group.name, group.id);
    const online = [...group.members.values()].filter((member) => member.online).length;
    const detail = `${group.members.size} members, ${online} online · id ${group.id}`;
    return this.#entry(key, avatar, group.name, this.#preview(key) ?? detail, 'group', group.id);
  }

  #entry(key, avatar, name, detail, kind, id) {
    const unread = this.#state.conversations.get(key)?.unread ?? 0;
    const button = el('button', {
      type: 'button',
      class: 'contact',
      'data-key': key,
      'data-kind': kind,
      'data-id': id,
      'aria-current': String(this.#state.viewing === key),
      onclick: () => this.#open(key),
    }, avatar, el('span', { class: 'contact-text' },
        el('span', { class: 'contact-name', text: name }),
        el('span', { class: 'contact-detail', text: detail })),
    unread > 0 ? el('span', { class: 'unread', text: String(unread), 'aria-label': `${unread} unread` }) : null);
    return el('li', {}, button);
  }

  /** The last message of a conversation, as a one-line preview; null when there is none. */
  #preview(key) {
    const items = this.#state.conversations.get(key)?.items ?? [];
    for (let i = items.length - 1; i >= 0; i--) {
      if (!items[i].event) {
        return `${items[i].mine ? 'You: ' : ''}${items[i].text.replace(/\s+/g, ' ')}`;
      }
    }
    return null;
  }

  /** A sidebar form: runs its command, says the outcome under the forms for a while. */
  #form(id, run) {
    const form = byId(id);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      // The outcome of the last command is no answer to this one.
      clearTimeout(this.#resultTimer);
      this.#result.hidden = true;
      try {
        this.#say(await run(), 'ok');
      } catch (error) {
        this.#say(error.message, 'failed');
      } finally {
        button.disabled = false;
      }
    });
  }

  #say(text, tone) {
    clearTimeout(this.#resultTimer);
    this.#result.textContent = text;
    this.#result.className = `action-result ${tone}`;
    this.#result.hidden = false;
    this.#resultTimer = setTimeout(() => { this.#result.hidden = true; }, 8_000);
  }
}

function positive(text) {
  const id = Number.parseInt(String(text).trim(), 10);
  if (!Number.isInteger(id) || id <= 0) {
    throw new Error('Ids are positive numbers.');
  }
  return id;
}
