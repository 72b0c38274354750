// node --test src/test/js/ : the page's DOM-free logic (src/main/resources/web/js), in Node.
import assert from 'node:assert/strict';
import test from 'node:test';
import { compareMids, mergeMessages, newestMid, oldestMid, settleMid } from '../../main/resources/web/js/timeline.js';

const message = (mid, text = `m${mid}`) => ({ mid, text, mine: false });
const texts = (items) => items.map((item) => item.text);

test('mids compare as 64-bit integers, past what a JavaScript number holds', () => {
  assert.ok(compareMids('9', '10') < 0);
  assert.ok(compareMids('9007199254740993', '9007199254740992') > 0);
  assert.equal(compareMids('81985529216486895', '81985529216486895'), 0);
});

test('a history page and live frames merge in mid order, each mid once', () => {
  const items = [message('105'), message('106')]; // arrived live before the conversation was opened
  const added = mergeMessages(items, [message('101'), message('103'), message('105'), message('106')]);
  assert.deepEqual(texts(added), ['m101', 'm103']);
  assert.deepEqual(texts(items), ['m101', 'm103', 'm105', 'm106']);
  assert.deepEqual(mergeMessages(items, [message('103')]), [], 'a repeat adds nothing');
  mergeMessages(items, [message('102'), message('100')]);
  assert.deepEqual(texts(items), ['m100', 'm101', 'm102', 'm103', 'm105', 'm106']);
  assert.equal(oldestMid(items), '100');
  assert.equal(newestMid(items), '106');
});

test('an event line stays after the message it followed when older pages come', () => {
  const items = [message('200')];
  items.push({ event: true, mid: null, after: newestMid(items), text: 'bob joined' });
  mergeMessages(items, [message('201'), message('150')]);
  assert.deepEqual(texts(items), ['m150', 'm200', 'bob joined', 'm201']);
  assert.equal(oldestMid(items), '150', 'an event is no page boundary');
});

test('a message being sent stays last until its ACK places it by its mid, and drops a copy that came first', () => {
  const items = [message('300')];
  const mine = { mid: null, after: '300', mine: true, status: 'sending', text: 'mine' };
  items.push(mine);
  mergeMessages(items, [message('302')]);
  assert.deepEqual(texts(items), ['m300', 'm302', 'mine']);
  // the history holds a message before its ACK is sent: a page asked for meanwhile may bring it
  mergeMessages(items, [message('301', 'mine, from the history')]);
  mine.status = 'sent';
  settleMid(items, mine, '301');
  assert.deepEqual(texts(items), ['m300', 'mine', 'm302']);
});

test('a message that failed stays where it was written', () => {
  const items = [message('400')];
  const failed = { mid: null, after: '400', mine: true, status: 'failed', text: 'failed' };
  items.push(failed);
  mergeMessages(items, [message('401')]);
  assert.deepEqual(texts(items), ['m400', 'failed', 'm401']);
});
