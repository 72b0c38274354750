import assert from 'node:assert/strict';
import test from 'node:test';
import { ChatState } from '../../main/resources/web/js/chat-state.js';
import { parseFrame } from '../../main/resources/web/js/protocol.js';
import { handlePushes } from '../../main/resources/web/js/pushes.js';
import { friendAdded, groupJoined } from '../../main/resources/web/js/roster-pushes.js';

function alice() {
  const state = new ChatState();
  state.loggedIn({
    id: 1, name: 'alice', friends: [],
    groups: [{ id: 7, groupname: 'old', groupdesc: '', users: [{ id: 1, name: 'alice', state: 'online', role: 'creator' }] }],
  });
  return state;
}

test('bob adding alice is said as before, also from a server without by', () => {
  const state = alice();
  const line = friendAdded(state, parseFrame('{"msgid":16,"friend":{"id":2,"name":"bob","state":"online"},"by":2}'));
  assert.deepEqual(line, { kind: 'user', id: 2, text: 'bob (2) added you as a friend; they are online.' });
  assert.equal(state.friends.get(2).online, true);
  const older = friendAdded(state, parseFrame('{"msgid":16,"friend":{"id":3,"name":"carol","state":"offline"}}'));
  assert.equal(older.text, 'carol (3) added you as a friend; they are offline.');
});

test('alice adding bob on another device puts bob in the list and says so', () => {
  const state = alice();
  const line = friendAdded(state, parseFrame('{"msgid":16,"friend":{"id":2,"name":"bob","state":"offline"},"by":1}'));
  assert.deepEqual(line, { kind: 'user', id: 2, text: 'You (on another device) added bob (2) as a friend; they are offline.' });
  assert.deepEqual(state.friends.get(2), { id: 2, name: 'bob', online: false });
});

test('a group alice created or joined on another device comes into the list with its members', () => {
  const state = alice();
  const created = groupJoined(state, parseFrame('{"msgid":17,"groupid":5,"user":{"id":1,"name":"alice","state":"online",'
      + '"role":"creator"},"group":{"id":5,"groupname":"team","groupdesc":"the A team","users":[{"id":1,"name":"alice",'
      + '"state":"online","role":"creator"}]}}'));
  assert.deepEqual(created, { kind: 'group', id: 5, text: 'You (on another device) created team (5).' });
  assert.equal(state.groups.get(5).description, 'the A team');

  const joined = groupJoined(state, parseFrame('{"msgid":17,"groupid":6,"user":{"id":1,"name":"alice","state":"online",'
      + '"role":"normal"},"group":{"id":6,"groupname":"x","groupdesc":"","users":[{"id":4,"name":"dan","state":"offline",'
      + '"role":"creator"},{"id":1,"name":"alice","state":"online","role":"normal"}]}}'));
  assert.deepEqual(joined, { kind: 'group', id: 6, text: 'You (on another device) joined x (6).' });
  assert.deepEqual([...state.groups.get(6).members.keys()], [4, 1]);
  assert.equal(state.groups.get(6).members.get(4).role, 'creator');
});

test('someone else joining is said in the group, and a group the page does not know says nothing', () => {
  const state = alice();
  const line = groupJoined(state, parseFrame('{"msgid":17,"groupid":7,"user":{"id":3,"name":"carol","state":"online","role":"normal"}}'));
  assert.deepEqual(line, { kind: 'group', id: 7, text: 'carol (3) joined old (7).' });
  assert.equal(state.groups.get(7).members.get(3).name, 'carol');
  assert.equal(groupJoined(state, parseFrame('{"msgid":17,"groupid":9,"user":{"id":3,"name":"carol","state":"online","role":"normal"}}')), null);
  assert.equal(state.groups.has(9), false);
});

test('the page says a roster push in its conversation and as a notice', () => {
  const state = alice();
  const connection = new EventTarget();
  const notices = [];
  handlePushes(connection, { received: () => false }, state, {}, (text, tone) => notices.push({ text, tone }), () => {});
  const push = (text) => connection.dispatchEvent(new CustomEvent('frame', { detail: { frame: parseFrame(text) } }));

  push('{"msgid":16,"friend":{"id":2,"name":"bob","state":"online"},"by":1}');
  push('{"msgid":17,"groupid":9,"user":{"id":3,"name":"carol","state":"online","role":"normal"}}');
  assert.deepEqual(notices, [{ text: 'You (on another device) added bob (2) as a friend; they are online.', tone: 'info' }]);
  const items = state.conversations.get('user:2').items;
  assert.equal(items.at(-1).event, true);
  assert.equal(items.at(-1).text, 'You (on another device) added bob (2) as a friend; they are online.');
});
