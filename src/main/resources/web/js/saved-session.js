// What this tab keeps in its session storage, so that a reload logs in again with the resume
// token (never the password) and shows nothing twice: the mids it has shown (a message the
// server delivers again after the reload is then no news) and who wrote without being a friend
// (nothing else lists them). The conversations themselves come from the server's history
// (history.js), not from here. Session storage belongs to the tab and ends with it, which is
// the lifetime a chat session has.

const LOGIN_KEY = 'loomchat.login';
const TAB_KEY = 'loomchat.tab';
/** Replaced by TAB_KEY: what an older page kept, removed where found. */
const OLD_HISTORY_KEY = 'loomchat.history';
/** A burst of messages is saved once. */
const SAVE_DELAY_MS = 300;

function read(key) {
  try {
    const text = sessionStorage.getItem(key);
    return text === null ? null : JSON.parse(text);
  } catch {
    return null; // storage disabled, or a value from an older page: start without it
  }
}

function write(key, value) {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the page works on, it only forgets more on a reload.
  }
}

/** { id, name, token } of the last login, or null. */
export function savedLogin() {
  const login = read(LOGIN_KEY);
  return login !== null && Number.isInteger(login.id) && typeof login.token === 'string' ? login : null;
}

export function saveLogin(id, name, token) {
  write(LOGIN_KEY, { id, name, token });
}

/** { userId, strangers, seen } saved for this tab by user {@code userId}, or null. */
export function savedTabState(userId) {
  const tab = read(TAB_KEY);
  return tab !== null && tab.userId === userId && Array.isArray(tab.strangers) && Array.isArray(tab.seen) ? tab : null;
}

/** Forgets the login and what was kept with it (logout, or a token the server no longer takes). */
export function forget() {
  try {
    sessionStorage.removeItem(LOGIN_KEY);
    sessionStorage.removeItem(TAB_KEY);
    sessionStorage.removeItem(OLD_HISTORY_KEY);
  } catch {
    // nothing was kept
  }
}

/**
 * Saves the tab's state shortly after each change, and at once when the page goes away.
 * {@code current()} returns { userId, strangers, seen } or null while nobody is logged in.
 */
export function keepTabState(chatState, current) {
  try {
    sessionStorage.removeItem(OLD_HISTORY_KEY);
  } catch {
    // storage disabled: there is nothing old either
  }
  let timer = null;
  const saveNow = () => {
    clearTimeout(timer);
    timer = null;
    const now = current();
    if (now !== null) {
      write(TAB_KEY, now);
    }
  };
  chatState.addEventListener('change', () => {
    if (timer === null) {
      timer = setTimeout(saveNow, SAVE_DELAY_MS);
    }
  });
  addEventListener('pagehide', saveNow);
  return saveNow;
}
