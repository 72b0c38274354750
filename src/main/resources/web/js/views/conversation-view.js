// One conversation: who it is with, its messages (theirs left, ours right, events centred) and
// the composer, where Enter sends and Shift+Enter starts a new line.

import { byId, el, hue, paintAvatar } from '../dom.js';
import { when } from '../words.js';

export class ConversationView {
  #state;
  #layout;
  #commands;
  #list = byId('messages');
  #input = byId('message-input');

  constructor(state, layout, commands) {
    this.#state = state;
    this.#layout = layout;
    this.#commands = commands;
    layout.addEventListener('select', () => {
      this.render(true);
      if (layout.selected !== null) {
        this.#input.focus();
      }
    });
    state.addEventListener('change', (event) => {
      const { what, key } = event.detail;
      if (what === 'roster' || (what === 'conversation' && key === layout.selected)) {
        this.render(false);
      }
    });
    byId('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      this.#send();
    });
    this.#input.addEventListener('keydown', (event) => {
      // isComposing: Enter that ends an input method's composition (Chinese, Japanese...) is not "send".
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.#send();
      }
    });
    this.#input.addEventListener('input', () => this.#fitInput());
  }

  /** @param jump scroll to the newest message (a conversation just opened) */
  render(jump) {
    const key = this.#layout.selected;
    const conversation = key === null ? undefined : this.#state.conversations.get(key)
        ?? this.#state.conversation(...parse(key));
    byId('no-conversation').hidden = conversation !== undefined;
    byId('open-conversation').hidden = conversation === undefined;
    const me = this.#state.me;
    byId('placeholder-id').textContent = me === null ? '' : `Your user id is ${me.id}: friends add you by it.`;
    if (conversation === undefined) {
      return;
    }
    this.#header(conversation);
    const atBottom = this.#list.scrollHeight - this.#list.scrollTop - this.#list.clientHeight < 40;
    this.#list.replaceChildren(...conversation.items.map((item) => this.#item(item, conversation.kind)));
    if (jump || atBottom) {
      this.#list.scrollTop = this.#list.scrollHeight;
    }
  }

  #header(conversation) {
    const name = this.#state.nameOf(conversation.kind, conversation.id);
    byId('peer-name').textContent = name;
    const avatar = byId('peer-avatar');
    paintAvatar(avatar, name, conversation.id);
    let detail;
    if (conversation.kind === 'group') {
      const group = this.#state.groups.get(conversation.id);
      avatar.className = 'avatar group';
      detail = group === undefined ? `group ${conversation.id}` : membersLine(group);
    } else {
      const friend = this.#state.friends.get(conversation.id);
      avatar.className = `avatar presence${friend?.online ? ' online' : ''}`;
      detail = friend === undefined ? `user ${conversation.id}, not a friend`
          : `${friend.online ? 'online' : 'offline'} · id ${friend.id}`;
    }
    byId('peer-detail').textContent = detail;
    this.#input.placeholder = `Message ${name}; Enter sends`;
  }

  #item(item, kind) {
    if (item.event) {
      return el('li', { class: 'event', text: item.text });
    }
    const status = item.mine ? item.status : 'received';
    const meta = [when(item.ts)];
    if (item.offline) {
      meta.push('while you were away');
    }
    if (item.mine) {
      meta.push(item.status === 'sending' ? 'sending…' : item.note);
    }
    const sender = kind === 'group' && !item.mine ? el('span', { class: 'sender', text: item.from.name }) : null;
    if (sender !== null) {
      sender.style.setProperty('--hue', String(hue(item.from.id)));
    }
    return el('li', {
      class: `message ${item.mine ? 'mine' : 'theirs'} ${status}`,
      'data-mid': item.mid ?? undefined,
      'data-from': item.from.id,
    }, sender,
    el('div', { class: 'bubble', text: item.text }),
    el('span', { class: 'meta', text: meta.filter(Boolean).join(' · ') }));
  }

  #send() {
    const key = this.#layout.selected;
    const text = this.#input.value;
    if (key === null || text.trim() === '') {
      return;
    }
    const [kind, id] = parse(key);
    this.#input.value = '';
    this.#fitInput();
    this.#commands.send(kind, id, text);
  }

  /** The composer grows with what is typed, up to the stylesheet's max-height. */
  #fitInput() {
    this.#input.style.height = 'auto';
    // scrollHeight leaves out the borders, which a border-box height includes.
    const borders = this.#input.offsetHeight - this.#input.clientHeight;
    this.#input.style.height = `${this.#input.scrollHeight + borders}px`;
  }
}

/** "id 7 · 3 members, 2 online: alice, bob, carol" (the online ones first). */
function membersLine(group) {
  const members = [...group.members.values()];
  const online = members.filter((member) => member.online);
  const names = [...online, ...members.filter((member) => !member.online)].map((member) => member.name);
  return `id ${group.id} · ${members.length} members, ${online.length} online: ${names.join(', ')}`;
}

function parse(key) {
  const [kind, id] = key.split(':');
  return [kind, Number(id)];
}
