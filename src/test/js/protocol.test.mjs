import assert from 'node:assert/strict';
import test from 'node:test';
import { encode, parseFrame, requests } from '../../main/resources/web/js/protocol.js';

test('a HISTORY request names its before mid as a JSON integer, exactly', () => {
  const text = encode(requests.history('user', 7, 50, '81985529216486895'));
  assert.equal(text, '{"msgid":18,"with":7,"limit":50,"before":81985529216486895}');
  assert.equal(encode(requests.history('group', 3, 20)), '{"msgid":18,"groupid":3,"limit":20}');
});

test('text that looks like a before field stays text', () => {
  const text = encode(requests.chat(2, '"before":"123"'));
  assert.equal(JSON.parse(text).msg, '"before":"123"');
});

test('logins carry the device when there is one', () => {
  assert.equal(requests.loginWithToken(5, 't'.repeat(20), 'web-abc').device, 'web-abc');
  assert.equal('device' in requests.loginWithPassword(5, 'pw', null), false);
});

test('mids in a HISTORY reply keep every digit', () => {
  const reply = parseFrame('{"msgid":11,"ack":18,"errno":0,"more":true,"messages":[{"msgid":6,"mid":81985529216486895,"id":1,"toid":2,"msg":"hi"}]}');
  assert.equal(reply.messages[0].mid, '81985529216486895');
});
