// Wires the page together: the connection, the protocol and state modules, and the views. The
// only module that knows all the others; each of them knows only what it is given.

import { ChatState } from './chat-state.js';
import { Commands } from './commands.js';
import { Connection, endpointUrl } from './connection.js';
import { claimDeviceId } from './device-id.js';
import { byId, showOnly } from './dom.js';
import { History } from './history.js';
import { handlePushes } from './pushes.js';
import { unreadLabel } from './read-state.js';
import { Receipts } from './receipts.js';
import { Requests } from './requests.js';
import { keepTabState, savedLogin, savedTabState } from './saved-session.js';
import { SeenMids } from './seen-mids.js';
import { Session } from './session.js';
import { Signals } from './signals.js';
import { ConversationView } from './views/conversation-view.js';
import { Layout } from './views/layout.js';
import { NoticesView } from './views/notices-view.js';
import { SidebarView } from './views/sidebar-view.js';
import { WelcomeView } from './views/welcome-view.js';
import { failure, say } from './words.js';

const connection = new Connection(endpointUrl(window.location));
const requestsOut = new Requests(connection);
const state = new ChatState();
let seen = new SeenMids();
const receipts = new Receipts(connection, seen);
const session = new Session(connection, requestsOut, state, receipts);
const commands = new Commands(requestsOut, state);
const history = new History(requestsOut, state);
const signals = new Signals(connection, state);

const notices = new NoticesView();
const notify = (text, tone) => notices.toast(text, tone);
const layout = new Layout(state);
const welcome = new WelcomeView(session, notify);
const sidebar = new SidebarView(state, commands, (key) => layout.open(key));
const conversation = new ConversationView(state, layout, commands, history, signals);
handlePushes(connection, requestsOut, state, receipts, notify, () => commands.loadConversations());

keepTabState(state, () => (session.loggedIn && state.me !== null
  ? { userId: state.me.id, strangers: state.knownStrangers(), seen: seen.toJSON() } : null));

/** True from a dropped connection until the next login: that login is a reconnect worth saying. */
let lost = false;

function showApp() {
  showOnly(byId('app'), byId('welcome'));
  sidebar.render();
  conversation.render(true);
}

function showWelcome(text) {
  showOnly(byId('welcome'), byId('app'));
  welcome.say(text);
  welcome.focus();
}

session.addEventListener('login', (event) => {
  const { again, away, modern } = event.detail;
  notices.banner('');
  // What was loaded before may have missed messages while the page was away; the conversation on
  // screen catches up now, the others when next opened.
  history.markStale();
  showApp();
  conversation.refresh();
  if (modern) {
    signals.started();
    // The list, its order and unread counts as the server has them: the other devices may have
    // read or sent meanwhile, and a new browser knows nothing yet.
    commands.loadConversations();
  } else {
    signals.stopped(); // a server before 2.3 would refuse READ and TYPING
  }
  if (again && lost) {
    notify(say.reconnected(), 'info');
  } else if (!again) {
    notify(say.loggedIn(state.me), 'info');
  }
  lost = false;
  if (away > 0) {
    notify(say.awayMessages(away), 'info');
  }
});
session.addEventListener('waiting', (event) => notices.banner(event.detail.text));
session.addEventListener('ended', (event) => {
  signals.stopped();
  // A new user starts with a window of their own: another user's mids say nothing about theirs.
  seen = new SeenMids();
  receipts.seen = seen;
  layout.reset();
  notices.banner('');
  showWelcome(event.detail.text);
});

connection.addEventListener('open', () => {
  sidebar.linkState(true);
  if (!session.loggedIn) {
    notices.banner('');
  }
});
connection.addEventListener('close', (event) => {
  lost = true;
  sidebar.linkState(false);
  notices.banner(say.reconnecting(event.detail.retryInMs));
});
connection.addEventListener('unreachable', (event) => {
  sidebar.linkState(false);
  notices.banner(say.unreachable(event.detail.retryInMs));
});
// The browser knows when the network comes back; no need to wait out the back-off then.
window.addEventListener('online', () => connection.retryNow());

state.addEventListener('change', () => {
  const unread = state.totalUnread();
  document.title = unread > 0 ? `(${unreadLabel(unread)}) LoomChat` : 'LoomChat';
});

byId('logout').addEventListener('click', async () => {
  try {
    await session.logout();
  } catch (error) {
    notify(failure('log out', error), 'failed');
  }
});

// Which device this browser (this tab of it) is: known before the first login.
session.device = await claimDeviceId();

// A reload (or a tab restored) logs in again with the token this tab kept, and lists the same
// conversations (their messages come from the server's history); otherwise the welcome screen.
const saved = savedLogin();
if (saved !== null) {
  const tab = savedTabState(saved.id);
  if (tab !== null) {
    seen = new SeenMids(undefined, tab.seen);
    receipts.seen = seen;
  }
  state.restore(saved, tab?.strangers ?? []);
  session.resume(saved);
  showApp();
  notices.banner(say.connecting());
} else {
  showWelcome('');
}
connection.start();
