import assert from 'node:assert/strict';
import test from 'node:test';
import {
  byRecency, laterMid, newestFromOthers, readUptoToSend, tickOf, unreadAfterRead, unreadFromServer, unreadLabel,
} from '../../main/resources/web/js/read-state.js';

// Mids above 2^53, as the server makes them: compared as decimal strings, never as numbers.
const M1 = '388074716021129216';
const M2 = '388074722547466240';
const M3 = '388074722547466241';
const M4 = '1388074722547466240';

function theirs(mid) {
  return { mid, mine: false, from: { id: 2, name: 'bob' }, text: `from bob ${mid}` };
}

function mine(mid, status = 'sent') {
  return { mid, mine: true, status, from: { id: 1, name: 'alice' }, text: `from alice ${mid}` };
}

function conversation(items, fields = {}) {
  return {
    kind: 'user', items, unread: 0, last: items.at(-1) ?? null, readUpto: '0', readByThem: '0', deliveredUpto: '0',
    history: { state: 'loaded', more: false }, ...fields,
  };
}

test('unread counts from 100 on show as 99+, as the server stops counting at 100', () => {
  assert.equal(unreadLabel(1), '1');
  assert.equal(unreadLabel(99), '99');
  assert.equal(unreadLabel(100), '99+');
  assert.equal(unreadLabel(250), '99+');
});

test('the later of two mids is compared by value, not by the digits as text', () => {
  assert.equal(laterMid(M2, M4), M4);
  assert.equal(laterMid(M4, M2), M4);
  assert.equal(laterMid('0', M1), M1);
  assert.equal(laterMid(null, M1), M1);
  assert.equal(laterMid(M1, undefined), M1);
});

test('a READ names the newest message of the others, and only when it is past the read mark', () => {
  const open = conversation([theirs(M1), theirs(M2), mine(M3)]);
  assert.equal(newestFromOthers(open), M2);
  assert.equal(readUptoToSend(open), M2);
  open.readUpto = M2;
  assert.equal(readUptoToSend(open), null, 'marked already');
  assert.equal(readUptoToSend(conversation([mine(M1)])), null, 'one\'s own messages are never unread');
});

test('a READ also covers the listed last message the page has not loaded yet', () => {
  const listed = conversation([], { last: theirs(M4) });
  assert.equal(readUptoToSend(listed), M4);
});

test('a read on another device that covers the newest message clears the count', () => {
  const open = conversation([theirs(M1), theirs(M2)], { unread: 2 });
  assert.equal(unreadAfterRead(open, M2), 0);
  assert.equal(unreadAfterRead(open, M4), 0, 'a mark ahead of the newest message');
});

test('a read up to the middle leaves the later messages of others unread', () => {
  const open = conversation([theirs(M1), mine(M2), theirs(M3), theirs(M4)], { unread: 3 });
  assert.equal(unreadAfterRead(open, M1), 2);
});

test('when the page lacks messages after the mark, it cannot tell and says so', () => {
  const partial = conversation([theirs(M3), theirs(M4)], { unread: 30, history: { state: 'loaded', more: true } });
  assert.equal(unreadAfterRead(partial, M1), null);
  const onlyListed = conversation([], { last: theirs(M4), unread: 5, history: { state: 'unloaded', more: false } });
  assert.equal(unreadAfterRead(onlyListed, M1), null);
  // The newest is one's own reply from another device; bob's unread messages before it are not loaded.
  const repliedElsewhere = conversation([], { last: mine(M4), unread: 2, history: { state: 'unloaded', more: false } });
  assert.equal(unreadAfterRead(repliedElsewhere, M1), null);
  assert.equal(unreadAfterRead(repliedElsewhere, M4), 0, 'a mark at the newest message covers everything');
});

test('the server\'s count grows by what arrived live after the message it counted up to', () => {
  assert.equal(unreadFromServer(2, M2, [theirs(M1), theirs(M2)]), 2);
  assert.equal(unreadFromServer(2, M2, [theirs(M1), theirs(M2), theirs(M3), mine(M4)]), 3);
  assert.equal(unreadFromServer(0, null, [theirs(M1)]), 1);
});

test('ticks: sent, then delivered, then read, and read implies delivered', () => {
  const chat = conversation([mine(M1), mine(M2), mine(M3)]);
  assert.deepEqual(chat.items.map((item) => tickOf(item, chat)), ['sent', 'sent', 'sent']);
  chat.deliveredUpto = M2;
  assert.deepEqual(chat.items.map((item) => tickOf(item, chat)), ['delivered', 'delivered', 'sent']);
  chat.readByThem = M1;
  assert.deepEqual(chat.items.map((item) => tickOf(item, chat)), ['read', 'delivered', 'sent']);
  chat.readByThem = M4;
  assert.deepEqual(chat.items.map((item) => tickOf(item, chat)), ['read', 'read', 'read']);
});

test('ticks: a message on its way or refused says so, others\' messages and groups have no delivered or read', () => {
  const chat = conversation([], { readByThem: M4, deliveredUpto: M4 });
  assert.equal(tickOf(mine(null, 'sending'), chat), 'sending');
  assert.equal(tickOf(mine(null, 'failed'), chat), 'failed');
  assert.equal(tickOf(theirs(M1), chat), null);
  assert.equal(tickOf({ event: true, mine: true, text: 'x' }, chat), null);
  assert.equal(tickOf(mine(M1), { ...chat, kind: 'group' }), 'sent');
});

test('the list: newest message first, a message being sent on top, the silent ones last in their order', () => {
  const entries = [
    { key: 'user:2', lastMid: null },
    { key: 'user:3', lastMid: M2 },
    { key: 'group:1', lastMid: M4 },
    { key: 'user:4', lastMid: null },
    { key: 'user:5', lastMid: M1 },
    { key: 'user:6', lastMid: null, sending: true },
  ];
  assert.deepEqual(byRecency(entries).map((entry) => entry.key),
      ['user:6', 'group:1', 'user:3', 'user:5', 'user:2', 'user:4']);
  assert.equal(entries[0].key, 'user:2', 'the given array is left as it was');
});
