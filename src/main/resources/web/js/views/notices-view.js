// Passing notices (someone came online, added you, joined a group) as toasts that fade, and the
// banner that says while the connection is down or the login is delayed, and why.

import { byId, el } from '../dom.js';

const TOAST_MS = 6_000;
const MAX_TOASTS = 4;

export class NoticesView {
  #toasts = byId('toasts');
  #banner = byId('status');

  /** @param tone 'info' or 'failed' */
  toast(text, tone = 'info') {
    const toast = el('div', { class: `toast ${tone}`, role: tone === 'failed' ? 'alert' : 'status', text });
    this.#toasts.append(toast);
    while (this.#toasts.children.length > MAX_TOASTS) {
      this.#toasts.firstElementChild.remove();
    }
    setTimeout(() => toast.remove(), TOAST_MS);
  }

  /** The banner at the top; empty text hides it. */
  banner(text) {
    this.#banner.textContent = text;
    this.#banner.hidden = text === '';
  }
}
