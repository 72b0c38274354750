import assert from 'node:assert/strict';
import test from 'node:test';
import { ChatState } from '../../main/resources/web/js/chat-state.js';
import { tickOf } from '../../main/resources/web/js/read-state.js';

const M1 = '388074716021129216';
const M2 = '388074722547466240';
const M3 = '388074722547466241';

function alice() {
  const state = new ChatState();
  state.loggedIn({ id: 1, name: 'alice', friends: [{ id: 2, name: 'bob', state: 'online' }], groups: [] });
  return state;
}

function fromBob(mid, msg = `bob ${mid}`) {
  return { msgid: 6, mid, id: 2, name: 'bob', toid: 1, msg, ts: 1 };
}

test('CONVERSATIONS fills the list: last message, unread count, the other user\'s read mark, strangers by name', () => {
  const state = alice();
  state.listed([
    { with: 2, name: 'bob', last: fromBob(M2, 'lunch?'), unread: 2, read_by_them: M1 },
    { with: 9, name: 'zoe', last: { msgid: 6, mid: M1, id: 1, name: 'alice', toid: 9, msg: 'hi zoe', ts: 1 }, unread: 0, read_by_them: '0' },
  ]);
  const bob = state.conversations.get('user:2');
  assert.equal(bob.unread, 2);
  assert.equal(bob.last.text, 'lunch?');
  assert.equal(bob.readByThem, M1);
  assert.equal(state.conversations.get('user:9').last.mine, true);
  assert.equal(state.nameOf('user', 9), 'zoe');
  assert.equal(state.totalUnread(), 2);
});

test('a live message after the server counted adds to its count; one on screen is never unread', () => {
  const state = alice();
  state.incoming(fromBob(M1), 'user');
  state.incoming(fromBob(M3), 'user');
  state.listed([{ with: 2, name: 'bob', last: fromBob(M2), unread: 2, read_by_them: '0' }]);
  assert.equal(state.conversations.get('user:2').unread, 3);
  state.view('user:2');
  state.listed([{ with: 2, name: 'bob', last: fromBob(M3), unread: 3, read_by_them: '0' }]);
  assert.equal(state.conversations.get('user:2').unread, 0);
});

test('a read on another device of the user clears the count here (READ_NOTICE with reader = me)', () => {
  const state = alice();
  state.incoming(fromBob(M1), 'user');
  state.incoming(fromBob(M2), 'user');
  assert.equal(state.conversations.get('user:2').unread, 2);
  assert.equal(state.readNotice({ msgid: 21, with: 2, reader: 1, upto: M2 }), false);
  assert.equal(state.conversations.get('user:2').unread, 0);
  assert.equal(state.conversations.get('user:2').readUpto, M2);
  state.incoming(fromBob(M1), 'user'); // a repeat of a read message is no news
  assert.equal(state.conversations.get('user:2').unread, 0);
});

test('a read the page cannot work out asks for the list again', () => {
  const state = alice();
  state.listed([{ with: 2, name: 'bob', last: fromBob(M3), unread: 40, read_by_them: '0' }]);
  assert.equal(state.readNotice({ msgid: 21, with: 2, reader: 1, upto: M1 }), true);
  assert.equal(state.conversations.get('user:2').unread, 40, 'kept until the server says');
});

test('ticks follow DELIVERED and the other user\'s READ_NOTICE, and never go back', () => {
  const state = alice();
  const message = state.outgoing('user', 2, 'hi bob');
  const chat = state.conversations.get('user:2');
  assert.equal(tickOf(message, chat), 'sending');
  state.settle('user', 2, message, 'sent', '', M2);
  assert.equal(tickOf(message, chat), 'sent');
  state.delivered(2, [M2]);
  assert.equal(tickOf(message, chat), 'delivered');
  state.readNotice({ msgid: 21, with: 2, reader: 2, upto: M2 });
  assert.equal(tickOf(message, chat), 'read');
  state.readNotice({ msgid: 21, with: 2, reader: 2, upto: M1 });
  assert.equal(tickOf(message, chat), 'read', 'a read mark never moves backwards');
});

test('the conversation list knows its newest message, which a message being sent tops', () => {
  const state = alice();
  state.incoming(fromBob(M2), 'user');
  state.historyPage(state.conversation('user', 2), [fromBob(M1)]);
  assert.equal(state.conversations.get('user:2').last.mid, M2, 'an older page does not change it');
  const message = state.outgoing('user', 2, 'typing back');
  assert.equal(state.conversations.get('user:2').last, message);
  state.incoming(fromBob(M3), 'user');
  assert.equal(state.conversations.get('user:2').last, message, 'still sending: still the newest');
});

test('TYPING shows in the conversation with the typist, and his message ends it', () => {
  const state = alice();
  const changes = [];
  state.addEventListener('change', (event) => changes.push(event.detail.what));
  state.typingHeard({ msgid: 23, id: 2, name: 'bob', to: 1 }, Date.now());
  assert.deepEqual(state.typing.names('user:2', Date.now()), ['bob']);
  state.typingHeard({ msgid: 23, id: 1, name: 'alice', to: 2 }, Date.now());
  assert.deepEqual(state.typing.names('user:1', Date.now()), [], 'one\'s own typing is never shown');
  state.incoming(fromBob(M1), 'user');
  assert.deepEqual(state.typing.names('user:2', Date.now()), []);
  assert.ok(changes.filter((what) => what === 'typing').length >= 2);
});
