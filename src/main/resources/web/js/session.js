// Who is logged in, and staying logged in: register, log in with a password, log in again by
// resume token after every reconnect or reload, log out. Turns a login ack into state (roster,
// the offline backlog) and tells the views what happened through events:
//   'login'   detail { again, away, modern }  logged in (again: without the user typing a password;
//                                        modern: a 2.3 session, which knows read marks and typing)
//   'waiting' detail { text }           logging in again is delayed, and why
//   'ended'   detail { text }           the session is over (logout, or a token no longer valid)

import { MsgId, requests } from './protocol.js';
import { RequestError } from './requests.js';
import { forget, saveLogin } from './saved-session.js';
import { say } from './words.js';

/**
 * PROTOCOL.md: a session whose server died stops counting as live within 10 seconds; until then a
 * new login is refused with errno 2 (for a device: "this device is logged in already"), so a login
 * after a reconnect asks again at this pace.
 */
const ALREADY_ONLINE_RETRY_MS = 2_000;
const INVALID_CREDENTIALS = 1;
const ALREADY_ONLINE = 2;

export class Session extends EventTarget {
  #connection;
  #requests;
  #state;
  #receipts;
  /** This browser's device id (device-id.js), sent with every login; null: none (a 2.2 login). */
  #device = null;
  /**
   * { id, token, password } of the user to log in again as after a reconnect; the password only
   * when it was typed in this page's life (memory only, never stored), as a fallback for the token.
   */
  #credentials = null;
  #retryTimer = null;

  constructor(connection, requestsOut, state, receipts) {
    super();
    this.#connection = connection;
    this.#requests = requestsOut;
    this.#state = state;
    this.#receipts = receipts;
    connection.addEventListener('open', () => this.#loginAgain());
    connection.addEventListener('close', () => clearTimeout(this.#retryTimer));
  }

  /** Set before the first login; each later login (a reconnect, a reload) sends the same. */
  set device(device) {
    this.#device = device;
  }

  get loggedIn() {
    return this.#credentials !== null;
  }

  /** After a reload: log in with the token this tab kept, as soon as the connection is up. */
  resume(saved) {
    this.#credentials = { id: saved.id, token: saved.token, password: null };
    if (this.#connection.isOpen) {
      this.#loginAgain();
    }
  }

  /** Creates an account and logs into it (by the id the reply gives); resolves with that id. */
  async register(name, password) {
    const ack = await this.#requests.send(requests.register(name, password));
    const login = await this.#requests.send(requests.loginWithPassword(ack.id, password, this.#device));
    this.#loggedIn(login, { id: ack.id, token: null, password }, false);
    return ack.id;
  }

  /**
   * Logs in by the name and password the user typed (2.3); rejects with a RequestError when
   * refused. The ack gives the id, which later logins (by token, after a reconnect) use.
   */
  async login(name, password) {
    const ack = await this.#requests.send(requests.loginByName(name, password, this.#device));
    this.#loggedIn(ack, { id: ack.id, token: null, password }, false);
  }

  async logout() {
    // PROTOCOL.md 2.2: confirm what was shown before LOGINOUT ends the session.
    this.#receipts.end();
    if (this.#connection.isOpen) {
      try {
        await this.#requests.send(requests.logout());
      } catch (error) {
        if (error instanceof RequestError && error.reply !== null) {
          this.#receipts.resumed();
          throw error;
        }
        // The connection went: the session ended with it, and the token is forgotten below.
      }
    }
    this.#end('');
  }

  #loginAgain() {
    const credentials = this.#credentials;
    if (credentials === null) {
      return;
    }
    clearTimeout(this.#retryTimer);
    const frame = credentials.token !== null ? requests.loginWithToken(credentials.id, credentials.token, this.#device)
        : requests.loginWithPassword(credentials.id, credentials.password, this.#device);
    this.#requests.send(frame).then(
        (ack) => this.#loggedIn(ack, credentials, true),
        (error) => this.#loginAgainRefused(error, credentials));
  }

  #loginAgainRefused(error, credentials) {
    if (credentials !== this.#credentials) {
      return; // logged out meanwhile
    }
    const errno = error.reply?.errno;
    if (errno === ALREADY_ONLINE) {
      this.dispatchEvent(new CustomEvent('waiting', { detail: { text: say.previousSessionLive(ALREADY_ONLINE_RETRY_MS) } }));
      this.#retryTimer = setTimeout(() => this.#loginAgain(), ALREADY_ONLINE_RETRY_MS);
    } else if (errno === INVALID_CREDENTIALS && credentials.token !== null && credentials.password !== null) {
      // Expired or revoked: the password typed earlier in this page still works.
      this.#credentials = { ...credentials, token: null };
      this.#loginAgain();
    } else if (errno === INVALID_CREDENTIALS) {
      this.#end(say.sessionExpired());
    } else if (error.reply === null || error.reply === undefined) {
      // No answer, or the connection dropped again: the next 'open' tries once more.
    } else {
      this.dispatchEvent(new CustomEvent('waiting', { detail: { text: `${error.message}; trying again shortly.` } }));
      this.#retryTimer = setTimeout(() => this.#loginAgain(), ALREADY_ONLINE_RETRY_MS);
    }
  }

  #loggedIn(ack, attempt, again) {
    const token = typeof ack.token === 'string' ? ack.token : attempt.token;
    this.#credentials = { id: ack.id, token, password: attempt.password };
    if (token !== null) {
      saveLogin(ack.id, ack.name, token);
    }
    this.#state.loggedIn(ack);
    if (ack.receipts === true) {
      this.#receipts.started();
    } else {
      this.#receipts.stopped();
    }
    // Oldest first, each in its conversation; the rest ('pending') follow as ordinary chat frames.
    let shown = 0;
    for (const frame of ack.offlinemsg ?? []) {
      if (this.#receipts.toShow(frame)) {
        this.#state.incoming({ ...frame, offline: true }, frame.msgid === MsgId.GROUP_CHAT ? 'group' : 'user');
        if (frame.id !== ack.id) {
          shown++; // what the user sent from another device is no news
        }
      }
      this.#receipts.handled(frame);
    }
    const away = shown + (Number.isInteger(ack.pending) ? ack.pending : 0);
    // A device session is a 2.3 one (PROTOCOL.md): only it knows READ, TYPING and CONVERSATIONS.
    const modern = typeof ack.device === 'string';
    this.dispatchEvent(new CustomEvent('login', { detail: { again, away, modern } }));
  }

  #end(text) {
    clearTimeout(this.#retryTimer);
    this.#credentials = null;
    this.#receipts.stopped();
    forget();
    this.#state.clear();
    this.dispatchEvent(new CustomEvent('ended', { detail: { text } }));
  }
}
