// Which conversation is chosen, and which screen shows: on a wide screen the list and the
// conversation side by side, on a phone one at a time (the list, or the conversation with a back
// button). Tells the state which conversation the user is actually looking at: chosen, on screen,
// the tab visible and the window focused (PROTOCOL.md 2.3: what the user has seen is marked read),
// so unread counts are right also while the tab is in the background or another window has the
// focus. Events: 'select' (detail.key).

import { byId } from '../dom.js';

/** Below this width the stylesheet shows one pane at a time (keep equal to style.css). */
const PHONE = window.matchMedia('(max-width: 720px)');

export class Layout extends EventTarget {
  #state;
  #app = byId('app');
  selected = null;

  constructor(state) {
    super();
    this.#state = state;
    byId('back').addEventListener('click', () => this.back());
    document.addEventListener('visibilitychange', () => this.#update());
    window.addEventListener('focus', () => this.#update());
    window.addEventListener('blur', () => this.#update());
    PHONE.addEventListener('change', () => this.#update());
  }

  open(key) {
    this.selected = key;
    this.#app.classList.add('reading');
    this.#update();
    this.dispatchEvent(new CustomEvent('select', { detail: { key } }));
  }

  back() {
    this.#app.classList.remove('reading');
    this.#update();
  }

  reset() {
    this.selected = null;
    this.#app.classList.remove('reading');
    this.#update();
    this.dispatchEvent(new CustomEvent('select', { detail: { key: null } }));
  }

  #update() {
    const onScreen = this.selected !== null && document.visibilityState === 'visible' && document.hasFocus()
        && (!PHONE.matches || this.#app.classList.contains('reading'));
    const key = onScreen ? this.selected : null;
    if (key !== this.#state.viewing || this.selected !== this.#state.selected) {
      this.#state.view(key, this.selected);
    }
  }
}
