// What this tab keeps in its session storage, so that a reload logs in again with the resume
// token (never the password) and shows the same conversations without showing anything twice.
// Session storage belongs to the tab and ends with it, which is the lifetime a chat session has.

const LOGIN_KEY = 'loomchat.login';
const HISTORY_KEY = 'loomchat.history';
/** Saving on every message would write the whole history each time; a burst is saved once. */
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

/** { userId, state, seen } saved for this tab, or null. */
export function savedHistory(userId) {
  const history = read(HISTORY_KEY);
  return history !== null && history.userId === userId ? history : null;
}

/** Forgets the login and the history (logout, or a token the server no longer takes). */
export function forget() {
  try {
    sessionStorage.removeItem(LOGIN_KEY);
    sessionStorage.removeItem(HISTORY_KEY);
  } catch {
    // nothing was kept
  }
}

/**
 * Saves the history of the logged-in user shortly after each change, and at once when the page
 * goes away. {@code current()} returns { userId, state, seen } or null while nobody is logged in.
 */
export function keepHistory(chatState, current) {
  let timer = null;
  const saveNow = () => {
    clearTimeout(timer);
    timer = null;
    const now = current();
    if (now !== null) {
      write(HISTORY_KEY, now);
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
