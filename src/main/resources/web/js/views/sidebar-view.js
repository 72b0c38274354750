// The sidebar: who is logged in and whether the connection is up, "Find people" by name (then add
// as a friend, or chat), the forms that create or join a group, and the conversation list: every
// conversation with a message, the most recent first, then friends, people who wrote and groups
// with nothing said yet. Each entry shows presence, the last message (one's own with its tick), or
// "typing…", and the unread count.

import { conversationKey } from '../chat-state.js';
import { byId, el, paintAvatar } from '../dom.js';
import { TICK_GLYPHS, TICK_WORDS, byRecency, tickOf, unreadLabel } from '../read-state.js';
import { when } from '../words.js';

/** Searching as the user types waits for a pause this long, so that each keystroke is no request. */
const FIND_PAUSE_MS = 250;
/** PROTOCOL.md: FIND_USERS takes a prefix of 1 to 50 characters. */
const FIND_MAX_LENGTH = 50;

export class SidebarView {
  #state;
  #commands;
  #open;
  #result = byId('action-result');
  #resultTimer = null;
  #findTimer = null;
  /** Only the answer to the latest search is shown; earlier ones may come later. */
  #findSeq = 0;
  /** The prefix searched last (asked or shown): the same again, typed then submitted, asks nothing. */
  #findPrefix = null;

  /** @param open (key) shows a conversation */
  constructor(state, commands, open) {
    this.#state = state;
    this.#commands = commands;
    this.#open = open;
    state.addEventListener('change', () => this.render());
    const find = byId('find-name');
    byId('find-form').addEventListener('submit', (event) => {
      event.preventDefault();
      clearTimeout(this.#findTimer);
      this.#find(find.value);
    });
    find.addEventListener('input', () => {
      clearTimeout(this.#findTimer);
      this.#findTimer = setTimeout(() => this.#find(find.value), FIND_PAUSE_MS);
    });
    find.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        this.#closeFind();
      }
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
    byId('me-id').textContent = `id ${me.id}`;
    // Which device this tab is to the server: the id its other sessions and support see.
    byId('me-id').title = me.device === null ? '' : `This device: ${me.device}`;
    paintAvatar(byId('me-avatar'), me.name, me.id);

    const entries = [];
    for (const friend of this.#state.friends.values()) {
      entries.push({ key: conversationKey('user', friend.id), draw: () => this.#person(friend, true) });
    }
    for (const id of this.#state.strangers.keys()) {
      const stranger = { id, name: this.#state.nameOf('user', id), online: false };
      entries.push({ key: conversationKey('user', id), draw: () => this.#person(stranger, false) });
    }
    for (const group of this.#state.groups.values()) {
      entries.push({ key: conversationKey('group', group.id), draw: () => this.#group(group) });
    }
    for (const entry of entries) {
      const last = this.#state.conversations.get(entry.key)?.last ?? null;
      entry.lastMid = last?.mid ?? null;
      entry.sending = last !== null && last.mid === null && last.status === 'sending';
    }
    const shown = byRecency(entries).map((entry) => entry.draw());
    byId('chats').replaceChildren(...shown);
    byId('chats-empty').hidden = shown.length > 0;
  }

  #person(person, friend) {
    const key = conversationKey('user', person.id);
    // Presence is only known for friends: the server tells nobody else.
    const presence = friend ? ` presence${person.online ? ' online' : ''}` : '';
    const avatar = el('span', { class: `avatar${presence}`, 'aria-hidden': 'true' });
    paintAvatar(avatar, person.name, person.id);
    const detail = friend ? (person.online ? 'online' : 'offline') : 'not a friend';
    return this.#entry(key, avatar, person.name, detail, 'friend', person.id);
  }

  #group(group) {
    const key = conversationKey('group', group.id);
    const avatar = el('span', { class: 'avatar group', 'aria-hidden': 'true' });
    paintAvatar(avatar, group.name, group.id);
    const online = [...group.members.values()].filter((member) => member.online).length;
    const detail = `${group.members.size} members, ${online} online · id ${group.id}`;
    return this.#entry(key, avatar, group.name, detail, 'group', group.id);
  }

  #entry(key, avatar, name, fallback, kind, id) {
    const conversation = this.#state.conversations.get(key);
    const unread = conversation?.unread ?? 0;
    const last = conversation?.last ?? null;
    const typing = this.#state.typing.names(key, Date.now());
    let detail;
    if (typing.length > 0) {
      detail = el('span', { class: 'contact-detail typing', text: typing.length === 1 && kind === 'friend' ? 'typing…'
          : `${typing.join(', ')} typing…` });
    } else if (last !== null) {
      detail = this.#preview(conversation, last);
    } else {
      detail = el('span', { class: 'contact-detail', text: fallback });
    }
    const button = el('button', {
      type: 'button',
      class: `contact${unread > 0 ? ' has-unread' : ''}`,
      'data-key': key,
      'data-kind': kind,
      'data-id': id,
      'aria-current': String(this.#state.selected === key),
      onclick: () => this.#open(key),
    }, avatar, el('span', { class: 'contact-text' },
        el('span', { class: 'contact-top' },
            el('span', { class: 'contact-name', text: name }),
            last === null ? null : el('span', { class: 'contact-time', text: when(last.ts) })),
        detail),
    unread > 0 ? el('span', { class: 'unread', text: unreadLabel(unread), 'aria-label': `${unread} unread` }) : null);
    return el('li', {}, button);
  }

  /** The last message as a one-line preview: one's own with its tick, a group's with who wrote it. */
  #preview(conversation, last) {
    const text = last.text.replace(/\s+/g, ' ');
    const tick = tickOf(last, conversation);
    const mark = tick === null ? null : el('span', { class: `tick ${tick}`, 'data-tick': tick, title: TICK_WORDS[tick],
      text: TICK_GLYPHS[tick] });
    const who = last.mine ? 'You: ' : conversation.kind === 'group' ? `${last.from.name}: ` : '';
    return el('span', { class: 'contact-detail' }, mark, `${who}${text}`);
  }

  async #find(value) {
    const prefix = value.trim().slice(0, FIND_MAX_LENGTH);
    if (prefix === '') {
      this.#closeFind();
      return;
    }
    if (prefix === this.#findPrefix) {
      return;
    }
    this.#findPrefix = prefix;
    const seq = ++this.#findSeq;
    let users;
    try {
      users = await this.#commands.findUsers(prefix);
    } catch (error) {
      if (seq === this.#findSeq) {
        this.#findPrefix = null; // asking again may work
        this.#showFound([el('li', { class: 'find-none failed', text: error.message })]);
      }
      return;
    }
    if (seq !== this.#findSeq) {
      return;
    }
    const rows = users.map((user) => this.#found(user));
    this.#showFound(rows.length > 0 ? rows
        : [el('li', { class: 'find-none', text: `Nobody's name starts with "${prefix}".` })]);
  }

  #showFound(rows) {
    const list = byId('find-results');
    list.replaceChildren(...rows);
    list.hidden = false;
  }

  #closeFind() {
    this.#findSeq++;
    this.#findPrefix = null;
    clearTimeout(this.#findTimer);
    byId('find-results').hidden = true;
    byId('find-results').replaceChildren();
  }

  /** One user found: a friend can be chatted with, anyone else added. */
  #found(user) {
    const me = this.#state.me;
    const friend = this.#state.friends.has(user.id);
    const avatar = el('span', { class: `avatar small presence${user.state === 'online' ? ' online' : ''}`, 'aria-hidden': 'true' });
    paintAvatar(avatar, user.name, user.id);
    let action = null;
    if (me !== null && user.id === me.id) {
      action = el('span', { class: 'muted', text: 'you' });
    } else if (friend) {
      action = el('button', { type: 'button', class: 'find-chat', text: 'Chat', onclick: () => {
        this.#closeFind();
        byId('find-name').value = '';
        this.#open(conversationKey('user', user.id));
      } });
    } else {
      action = el('button', { type: 'button', class: 'find-add primary', text: 'Add friend' });
      action.addEventListener('click', () => this.#run(action, async () => {
        const text = await this.#commands.addFriend(user.id, user.name);
        this.#closeFind();
        byId('find-name').value = '';
        return text;
      }));
    }
    return el('li', { class: 'found', 'data-id': user.id, 'data-name': user.name }, avatar,
        el('span', { class: 'found-text' },
            el('span', { class: 'found-name', text: user.name }),
            el('span', { class: 'muted', text: user.state === 'online' ? 'online' : 'offline' })),
        action);
  }

  /** A sidebar form: runs its command, says the outcome under the forms for a while. */
  #form(id, run) {
    const form = byId(id);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#run(form.querySelector('button[type="submit"]'), run);
    });
  }

  async #run(button, run) {
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
