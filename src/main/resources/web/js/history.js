// A conversation's past, from the server (PROTOCOL.md 2.3, "History"): opening a conversation
// asks for its newest page, scrolling to the top for the page before the oldest message shown,
// while the server says there is more. Pages merge into the conversation by mid (chat-state.js),
// so a page that overlaps what arrived live shows nothing twice.
//
// After a reconnect every conversation loaded before is marked stale: the next time it is shown
// its newest page is asked again and merged, which fills in anything the page missed while it
// was away (the backlog brings it too; merging by mid makes the overlap harmless).

import { MsgId, requests } from './protocol.js';
import { oldestMid } from './timeline.js';
import { reason } from './words.js';

/** Messages per page: a screen or two of them, and HISTORY's default. */
export const HISTORY_PAGE = 50;
const BAD_REQUEST = 4;

export class History {
  #requests;
  #state;
  #pageSize;

  constructor(requestsOut, state, pageSize = HISTORY_PAGE) {
    this.#requests = requestsOut;
    this.#state = state;
    this.#pageSize = pageSize;
  }

  /** The conversation is on screen: loads its newest page, unless it has it and is current. */
  shown(conversation) {
    const { history } = conversation;
    if (history.state === 'loading' || history.state === 'unavailable') {
      return;
    }
    if (history.state === 'loaded' && !history.stale) {
      return;
    }
    this.#load(conversation, false);
  }

  /** The user scrolled to the top: the page before the oldest message shown, if there is one. */
  older(conversation) {
    const { history } = conversation;
    if (history.state !== 'loaded' || !history.more || history.loadingOlder) {
      return;
    }
    this.#load(conversation, true);
  }

  /** Logged in again: what was loaded may have missed messages while the page was away. */
  markStale() {
    for (const conversation of this.#state.conversations.values()) {
      if (conversation.history.state === 'loaded') {
        conversation.history.stale = true;
      }
    }
  }

  async #load(conversation, older) {
    const { history } = conversation;
    const before = older ? oldestMid(conversation.items) : null;
    if (older && before === null) {
      return;
    }
    const refresh = !older && history.state === 'loaded';
    if (older) {
      history.loadingOlder = true;
    } else if (!refresh) {
      history.state = 'loading';
    }
    history.stale = false;
    history.error = '';
    this.#state.historyChanged(conversation);
    try {
      const ack = await this.#requests.send(requests.history(conversation.kind, conversation.id, this.#pageSize, before));
      const frames = (Array.isArray(ack.messages) ? ack.messages : [])
          .filter((frame) => frame.msgid === MsgId.ONE_CHAT || frame.msgid === MsgId.GROUP_CHAT);
      this.#state.historyPage(conversation, frames);
      // A refresh's 'more' is about its own page, not about the oldest one this conversation has.
      if (!refresh) {
        history.more = ack.more === true;
      }
      history.state = 'loaded';
    } catch (error) {
      if (error.reply?.errno === BAD_REQUEST && error.reply?.ack === MsgId.HISTORY) {
        history.state = 'unavailable'; // a server before 2.3: the conversation starts with this session
      } else if (!refresh) {
        history.state = older ? 'loaded' : 'unloaded';
        history.error = `Could not load ${older ? 'earlier ' : ''}messages: ${reason(error)}.`;
      } else {
        history.stale = true;
      }
    } finally {
      history.loadingOlder = false;
      this.#state.historyChanged(conversation);
    }
  }
}
