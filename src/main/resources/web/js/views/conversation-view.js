// One conversation: who it is with, its messages (theirs left, ours right with their ticks: sent,
// delivered, read; events centred), "bob is typing…" under them, and the composer, where Enter
// sends and Shift+Enter starts a new line, and typing tells the other side (signals.js). The
// messages come from the server's history as well as live: opening a conversation loads its
// newest page, scrolling to the top the one before, and the lines on screen stay where they were
// while a page is added.

import { byId, el, hue, paintAvatar } from '../dom.js';
import { TICK_GLYPHS, TICK_WORDS, tickOf } from '../read-state.js';
import { typingLine } from '../typing.js';
import { say, when } from '../words.js';

/** Closer than this to the top, the page before is asked for; to the bottom, it sticks there. */
const EDGE_PX = 80;
const STICK_PX = 40;

export class ConversationView {
  #state;
  #layout;
  #commands;
  #history;
  #signals;
  #list = byId('messages');
  #input = byId('message-input');
  #typing = byId('typing');

  constructor(state, layout, commands, history, signals) {
    this.#state = state;
    this.#layout = layout;
    this.#commands = commands;
    this.#history = history;
    this.#signals = signals;
    layout.addEventListener('select', () => {
      this.render(true);
      if (layout.selected !== null) {
        this.#input.focus();
        this.#history.shown(this.#selected());
      }
    });
    this.#list.addEventListener('scroll', () => this.#nearTop());
    state.addEventListener('change', (event) => {
      const { what, key } = event.detail;
      if (what === 'roster' || (what === 'conversation' && key === layout.selected)) {
        this.render(false);
      } else if (what === 'typing' && (key === null || key === layout.selected)) {
        this.#renderTyping();
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
    this.#input.addEventListener('input', () => {
      this.#fitInput();
      const key = this.#layout.selected;
      if (key !== null && this.#input.value.trim() !== '') {
        this.#signals.typed(...parse(key));
      } else if (key !== null) {
        this.#signals.stoppedTyping(...parse(key));
      }
    });
  }

  /** Logged in again: the conversation on screen catches up with what it missed. */
  refresh() {
    if (this.#layout.selected !== null) {
      this.#history.shown(this.#selected());
    }
  }

  /** @param jump scroll to the newest message (a conversation just opened) */
  render(jump) {
    const conversation = this.#layout.selected === null ? undefined : this.#selected();
    byId('no-conversation').hidden = conversation !== undefined;
    byId('open-conversation').hidden = conversation === undefined;
    const me = this.#state.me;
    byId('placeholder-id').textContent = me === null ? '' : `People find you by your name, ${me.name}.`;
    if (conversation === undefined) {
      return;
    }
    this.#header(conversation);
    this.#renderTyping();
    const list = this.#list;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < STICK_PX;
    const anchor = jump || atBottom ? null : this.#firstVisible();
    list.replaceChildren(this.#edge(conversation),
        ...conversation.items.map((item) => this.#item(item, conversation)));
    if (anchor !== null) {
      this.#keep(anchor);
    } else {
      list.scrollTop = list.scrollHeight;
    }
    // A page too short to scroll has no top to scroll to: the one before comes now.
    if (list.scrollHeight <= list.clientHeight) {
      this.#history.older(conversation);
    }
  }

  #selected() {
    const key = this.#layout.selected;
    return this.#state.conversations.get(key) ?? this.#state.conversation(...parse(key));
  }

  #nearTop() {
    if (this.#layout.selected !== null && this.#list.scrollTop < EDGE_PX) {
      this.#history.older(this.#selected());
    }
  }

  /** The first message at least partly on screen, and how far below the list's top it starts. */
  #firstVisible() {
    const top = this.#list.getBoundingClientRect().top;
    for (const line of this.#list.querySelectorAll('li[data-mid]')) {
      const box = line.getBoundingClientRect();
      if (box.bottom > top) {
        return { mid: line.dataset.mid, offset: box.top - top };
      }
    }
    return null;
  }

  /** Scrolls so that the anchor's message is where it was (older lines were added above it). */
  #keep(anchor) {
    const line = this.#list.querySelector(`li[data-mid="${anchor.mid}"]`);
    if (line !== null) {
      const top = this.#list.getBoundingClientRect().top;
      this.#list.scrollTop += line.getBoundingClientRect().top - top - anchor.offset;
    }
  }

  /** The line above the oldest message: loading, a failure, or that nothing is older. */
  #edge(conversation) {
    const { history } = conversation;
    let text = '';
    let tone = '';
    if (history.error !== '') {
      [text, tone] = [history.error, ' failed'];
    } else if (history.loadingOlder) {
      text = say.loadingOlder();
    } else if (history.state === 'loading') {
      text = say.loadingHistory();
    } else if (history.state === 'loaded' && !history.more && conversation.items.some((item) => !item.event)) {
      text = say.historyStart(conversation.kind);
    }
    return el('li', { class: `history-edge${tone}`, text, hidden: text === '' });
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
      detail = friend === undefined ? 'not a friend' : `${friend.online ? 'online' : 'offline'}`;
    }
    byId('peer-detail').textContent = detail;
    this.#input.placeholder = `Message ${name}; Enter sends`;
  }

  /** "bob is typing…" under the messages, while someone types in the open conversation. */
  #renderTyping() {
    const key = this.#layout.selected;
    const text = key === null ? '' : typingLine(this.#state.typing.names(key, Date.now()));
    this.#typing.textContent = text;
    this.#typing.classList.toggle('active', text !== '');
  }

  #item(item, conversation) {
    if (item.event) {
      return el('li', { class: 'event', text: item.text });
    }
    const status = item.mine ? item.status : 'received';
    const meta = [when(item.ts)];
    if (item.offline) {
      meta.push('while you were away');
    }
    if (item.mine && item.status !== 'sending') {
      meta.push(item.note);
    }
    const tick = tickOf(item, conversation);
    const sender = conversation.kind === 'group' && !item.mine ? el('span', { class: 'sender', text: item.from.name }) : null;
    if (sender !== null) {
      sender.style.setProperty('--hue', String(hue(item.from.id)));
    }
    return el('li', {
      class: `message ${item.mine ? 'mine' : 'theirs'} ${status}`,
      'data-mid': item.mid ?? undefined,
      'data-from': item.from.id,
      'data-tick': tick ?? undefined,
    }, sender,
    el('div', { class: 'bubble', text: item.text }),
    el('span', { class: 'meta' }, meta.filter(Boolean).join(' · '),
        tick === null ? null : el('span', { class: `tick ${tick}`, title: TICK_WORDS[tick], 'aria-label': TICK_WORDS[tick],
          text: ` ${TICK_GLYPHS[tick]}` })));
  }

  #send() {
    const key = this.#layout.selected;
    const text = this.#input.value;
    if (key === null || text.trim() === '') {
      return;
    }
    const [kind, id] = parse(key);
    this.#signals.stoppedTyping(kind, id);
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
