// This browser's device id (PROTOCOL.md 2.3, "Devices"): chosen once per browser profile and
// kept in local storage, so that the server knows the browser again at every login, keeps for it
// what it has not confirmed, and lets the user's other devices be logged in beside it.
//
// Tabs: every tab of a profile shares local storage, but the server takes one session per device
// id. The first tab uses the id; a second tab open at the same time uses "<id>.2", and so on,
// each held with a Web Lock for the tab's life. So a reload gets its own id back, and the tabs
// of one profile stay a few known devices rather than a new one per tab.

const STORAGE_KEY = 'loomchat.device';
const PREFIX = 'web-';
const RANDOM_CHARS = 16;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** More tabs than this share the last id, and the server refuses all but one of them. */
const MAX_TABS = 5;
/**
 * How long a tab waits for an id held by another document. A reload's old document lets go of
 * its lock a moment after the new one starts; another open tab never does.
 */
const LOCK_WAIT_MS = 400;

/** A valid id per PROTOCOL.md: 1-64 of A-Z a-z 0-9 . _ - */
export function isDeviceId(text) {
  return typeof text === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(text);
}

/**
 * "web-" and 16 characters of [a-z0-9] from {@code fillRandom} (crypto.getRandomValues). 252 is
 * the largest multiple of 36 below 256: bytes from 252 up are drawn again, so every character
 * is equally likely.
 */
export function newDeviceId(fillRandom) {
  let id = PREFIX;
  while (id.length < PREFIX.length + RANDOM_CHARS) {
    for (const byte of fillRandom(new Uint8Array(RANDOM_CHARS))) {
      if (byte < 252 && id.length < PREFIX.length + RANDOM_CHARS) {
        id += ALPHABET[byte % ALPHABET.length];
      }
    }
  }
  return id;
}

/**
 * The profile's id from {@code storage}, made and saved the first time; null when the storage
 * cannot be used (disabled): the page then logs in without a device, as a 2.2 client.
 */
export function profileDeviceId(storage, fillRandom) {
  try {
    const kept = storage.getItem(STORAGE_KEY);
    if (isDeviceId(kept)) {
      return kept;
    }
    const made = newDeviceId(fillRandom);
    storage.setItem(STORAGE_KEY, made);
    return storage.getItem(STORAGE_KEY) === made ? made : null;
  } catch {
    return null;
  }
}

/** The id this tab logs in with: the profile's, or "<id>.<n>" when other tabs hold those. */
export async function claimDeviceId() {
  let storage = null;
  try {
    storage = window.localStorage;
  } catch {
    // local storage denied (a privacy setting): no device id
  }
  const base = storage === null ? null : profileDeviceId(storage, (bytes) => crypto.getRandomValues(bytes));
  if (base === null || !navigator.locks) {
    return base; // Web Locks are missing outside secure contexts: tabs then share the one id
  }
  for (let tab = 1; tab <= MAX_TABS; tab++) {
    const id = tab === 1 ? base : `${base}.${tab}`;
    if (await holdForever(`loomchat.device:${id}`)) {
      return id;
    }
  }
  return base;
}

/**
 * Takes the named lock and keeps it until the page goes away; false when another holds it. A free
 * lock is taken without any time limit, so that a slow machine (the grant is asynchronous) never
 * gives a tab the next id while its own is free; only a held one is waited for, and for
 * LOCK_WAIT_MS at most, in case it is a reload's old document letting go.
 */
async function holdForever(name) {
  return await hold(name, { ifAvailable: true }) || await hold(name, { signal: AbortSignal.timeout(LOCK_WAIT_MS) });
}

/** One lock request: true once granted (then held for the document's life), false if not. */
function hold(name, options) {
  return new Promise((resolve) => {
    navigator.locks.request(name, options, (lock) => {
      if (lock === null) {
        resolve(false); // ifAvailable, and another document holds it
        return undefined;
      }
      resolve(true);
      return new Promise(() => {}); // never settles: the lock is released with the document
    }).catch(() => resolve(false));
  });
}
