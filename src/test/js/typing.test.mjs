import assert from 'node:assert/strict';
import test from 'node:test';
import {
  TYPING_EVERY_MS, TYPING_SHOWN_MS, TypingIndicator, TypingPacer, typingLine,
} from '../../main/resources/web/js/typing.js';

test('while the user types, TYPING goes out at most once every 3 s per conversation', () => {
  assert.equal(TYPING_EVERY_MS, 3000, 'PROTOCOL.md: at most once every 3 seconds');
  const pacer = new TypingPacer();
  const sent = [];
  for (let now = 0; now <= 10_000; now += 250) { // a keystroke every 250 ms for 10 s
    if (pacer.typed('user:2', now) === 0) {
      sent.push(now);
    }
  }
  assert.deepEqual(sent, [0, 3000, 6000, 9000]);
});

test('a keystroke held back by the pace sends TYPING when the pace allows, if the user typed since', () => {
  const pacer = new TypingPacer();
  assert.equal(pacer.typed('user:2', 0), 0);
  assert.equal(pacer.typed('user:2', 1000), 2000, 'ask again in 2 s');
  assert.equal(pacer.due('user:2', 2999), false, 'too soon still');
  assert.equal(pacer.due('user:2', 3000), true);
  assert.equal(pacer.due('user:2', 3100), false, 'once');
  assert.equal(pacer.typed('user:2', 3200), 2800);
  pacer.stopped('user:2'); // the message went out
  assert.equal(pacer.due('user:2', 6000), false, 'nobody types any more');
  assert.equal(pacer.typed('user:2', 9000), 0);
  assert.equal(pacer.typed('user:2', 9100), 2900);
  assert.equal(pacer.due('user:2', 15_100), false, 'the last keystroke is too long ago to say "typing"');
});

test('a held-back keystroke still sends TYPING when the timer that asks runs late', () => {
  const pacer = new TypingPacer();
  assert.equal(pacer.typed('user:2', 0), 0);
  assert.equal(pacer.typed('user:2', 200), 2800, 'held back: ask again at 3 s');
  // A busy page runs that timer 2 s late, 4.8 s after the keystroke: the user was still typing.
  assert.equal(pacer.due('user:2', 5000), true);
});

test('each conversation has its own pace, and a new session starts afresh', () => {
  const pacer = new TypingPacer();
  assert.equal(pacer.typed('user:2', 0), 0);
  assert.equal(pacer.typed('group:7', 100), 0);
  assert.ok(pacer.typed('user:2', 200) > 0);
  pacer.reset();
  assert.equal(pacer.typed('user:2', 300), 0);
});

test('"bob is typing" lasts a few seconds after his last TYPING, longer than his interval', () => {
  assert.ok(TYPING_SHOWN_MS > TYPING_EVERY_MS);
  const typing = new TypingIndicator();
  typing.heard('user:2', 2, 'bob', 1000);
  assert.deepEqual(typing.names('user:2', 1000), ['bob']);
  typing.heard('user:2', 2, 'bob', 4000); // he types on
  assert.deepEqual(typing.names('user:2', 1000 + TYPING_SHOWN_MS + 500), ['bob']);
  assert.equal(typing.nextChange(5000), 4000 + TYPING_SHOWN_MS);
  assert.deepEqual(typing.names('user:2', 4000 + TYPING_SHOWN_MS), [], 'gone once nothing came for a while');
  assert.equal(typing.nextChange(4000 + TYPING_SHOWN_MS), null, 'and forgotten');
  assert.deepEqual(typing.names('user:3', 0), []);
});

test('a message from the typist ends it at once, for that typist only', () => {
  const typing = new TypingIndicator();
  typing.heard('group:7', 2, 'bob', 0);
  typing.heard('group:7', 3, 'carol', 10);
  assert.equal(typing.stopped('group:7', 2), true);
  assert.deepEqual(typing.names('group:7', 20), ['carol']);
  assert.equal(typing.stopped('group:7', 2), false, 'he was not shown any more');
  assert.equal(typing.stopped('user:9', 9), false);
});

test('the line names one or two, and counts more', () => {
  assert.equal(typingLine([]), '');
  assert.equal(typingLine(['bob']), 'bob is typing…');
  assert.equal(typingLine(['bob', 'carol']), 'bob and carol are typing…');
  assert.equal(typingLine(['bob', 'carol', 'dave']), '3 people are typing…');
});
