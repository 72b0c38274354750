// The signed-out screen: log in with one's name and password, or create an account (which then
// logs in). Nobody needs to know a numeric id: the server gives it, and the page keeps it.

import { byId } from '../dom.js';
import { failure, say } from '../words.js';

export class WelcomeView {
  #session;
  #notify;
  #error = byId('welcome-error');
  #loginForm = byId('login-form');
  #registerForm = byId('register-form');

  /** @param notify (text, tone) for what the user should read after the screen changes */
  constructor(session, notify) {
    this.#session = session;
    this.#notify = notify;
    byId('tab-login').addEventListener('click', () => this.#tab(true));
    byId('tab-register').addEventListener('click', () => this.#tab(false));
    this.#loginForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#login();
    });
    this.#registerForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#register();
    });
  }

  /** Shows a reason the user is back here (a session that ended), or nothing. */
  say(text) {
    this.#error.textContent = text;
    this.#error.hidden = text === '';
  }

  focus() {
    (this.#loginForm.hidden ? byId('register-name') : byId('login-name')).focus();
  }

  #tab(login) {
    byId('tab-login').setAttribute('aria-selected', String(login));
    byId('tab-register').setAttribute('aria-selected', String(!login));
    this.#loginForm.hidden = !login;
    this.#registerForm.hidden = login;
    this.say('');
    this.focus();
  }

  async #login() {
    const name = byId('login-name').value.trim();
    const password = byId('login-password').value;
    if (name === '') {
      this.say('Your name, as you chose it when you created the account.');
      return;
    }
    await this.#busy(this.#loginForm, async () => {
      await this.#session.login(name, password);
      byId('login-password').value = '';
    }, `log in as ${name}`);
  }

  async #register() {
    const name = byId('register-name').value.trim();
    const password = byId('register-password').value;
    if (name === '') {
      this.say('Choose a name of 1 to 50 characters.');
      return;
    }
    await this.#busy(this.#registerForm, async () => {
      await this.#session.register(name, password);
      byId('register-password').value = '';
      this.#notify(say.registered(name), 'info');
    }, `create the account ${name}`);
  }

  /** Runs a request with the form's button disabled, and says why when it fails. */
  async #busy(form, work, action) {
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    this.say('');
    try {
      await work();
    } catch (error) {
      this.say(failure(action, error));
    } finally {
      button.disabled = false;
    }
  }
}
