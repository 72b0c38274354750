import assert from 'node:assert/strict';
import test from 'node:test';
import { ChatState } from '../../main/resources/web/js/chat-state.js';
import { encode } from '../../main/resources/web/js/protocol.js';
import { Signals } from '../../main/resources/web/js/signals.js';

const M1 = '388074716021129216';
const M2 = '388074722547466240';

class FakeConnection extends EventTarget {
  sent = [];
  send(frame) {
    this.sent.push(encode(frame));
    return true;
  }
}

function setUp() {
  const connection = new FakeConnection();
  const state = new ChatState();
  state.loggedIn({ id: 1, name: 'alice', friends: [{ id: 2, name: 'bob', state: 'online' }], groups: [] });
  let now = 0;
  const signals = new Signals(connection, state, () => now);
  return { connection, state, signals, advance: (ms) => { now += ms; } };
}

function fromBob(mid) {
  return { msgid: 6, mid, id: 2, name: 'bob', toid: 1, msg: `bob ${mid}`, ts: 1 };
}

test('what arrives in the conversation the user looks at is marked read, each message once', () => {
  const { connection, state, signals } = setUp();
  signals.started();
  state.incoming(fromBob(M1), 'user');
  assert.deepEqual(connection.sent, [], 'nobody is looking');
  state.view('user:2');
  assert.deepEqual(connection.sent, [`{"msgid":20,"with":2,"upto":${M1}}`]);
  state.incoming(fromBob(M2), 'user');
  state.incoming(fromBob(M2), 'user');
  assert.deepEqual(connection.sent.slice(1), [`{"msgid":20,"with":2,"upto":${M2}}`]);
});

test('nothing goes out before the login, and what was seen meanwhile is marked once logged in', () => {
  const { connection, state, signals } = setUp();
  state.view('user:2');
  state.incoming(fromBob(M1), 'user');
  assert.deepEqual(connection.sent, []);
  signals.started();
  assert.deepEqual(connection.sent, [`{"msgid":20,"with":2,"upto":${M1}}`]);
  signals.stopped();
  state.incoming(fromBob(M2), 'user');
  assert.equal(connection.sent.length, 1, 'the connection dropped: the mark waits for the next login');
});

test('typing sends TYPING once per 3 s, and a keystroke held back still tells, unless the message went', async () => {
  const { connection, signals, advance } = setUp();
  signals.started();
  signals.typed('user', 2);
  advance(1000);
  signals.typed('user', 2);
  signals.typed('user', 2);
  assert.deepEqual(connection.sent, ['{"msgid":23,"to":2}']);
  advance(2000);
  await new Promise((resolve) => setTimeout(resolve, 2400)); // the held-back one's timer (real time)
  assert.deepEqual(connection.sent, ['{"msgid":23,"to":2}', '{"msgid":23,"to":2}']);
  advance(1000);
  signals.typed('user', 2);
  signals.stoppedTyping('user', 2);
  advance(3000);
  await new Promise((resolve) => setTimeout(resolve, 2400));
  assert.equal(connection.sent.length, 2, 'sent: nobody types any more');
  signals.stopped();
});
