import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

test('2.3 notices keep their mids exact: upto, read_by_them and DELIVERED\'s mids', () => {
  const notice = parseFrame('{"msgid":21,"with":2,"reader":1,"upto":388074716021129217}');
  assert.equal(notice.upto, '388074716021129217');
  assert.equal(notice.with, 2);
  const delivered = parseFrame('{"msgid":22,"with":1,"mids":[388074716021129217, 388074722547466241]}');
  assert.deepEqual(delivered.mids, ['388074716021129217', '388074722547466241']);
  const list = parseFrame('{"msgid":11,"ack":19,"errno":0,"conversations":[{"with":2,"name":"bob","last":{"msgid":6,"mid":388074722547466241,"id":2,"toid":1,"msg":"lunch?","ts":1796591423935},"unread":2,"read_by_them":388074716021129217}]}');
  assert.equal(list.conversations[0].read_by_them, '388074716021129217');
  assert.equal(list.conversations[0].last.mid, '388074722547466241');
  assert.equal(list.conversations[0].last.ts, 1796591423935, 'other numbers stay numbers');
});

test('a READ names its upto as a JSON integer; TYPING and FIND_USERS are as PROTOCOL.md writes them', () => {
  assert.equal(encode(requests.read('user', 2, '388074716021129217')), '{"msgid":20,"with":2,"upto":388074716021129217}');
  assert.equal(encode(requests.read('group', 7, '5')), '{"msgid":20,"groupid":7,"upto":5}');
  assert.equal(encode(requests.typing('user', 2)), '{"msgid":23,"to":2}');
  assert.equal(encode(requests.typing('group', 7)), '{"msgid":23,"groupid":7}');
  assert.equal(encode(requests.findUsers('BO')), '{"msgid":24,"name":"BO"}');
  assert.equal(encode(requests.conversations(100)), '{"msgid":19,"limit":100}');
});

test('a login by name carries no id, and the device', () => {
  assert.deepEqual(JSON.parse(encode(requests.loginByName('bob', 'pw', 'web-x'))),
      { msgid: 1, name: 'bob', password: 'pw', receipts: true, device: 'web-x' });
});

test('browsers with JSON.parse source access keep the same mids exact (the reviver path)', () => {
  // Node 20 lacks source access unless asked: this runs the parse again in a Node that has it.
  const module = new URL('../../main/resources/web/js/protocol.js', import.meta.url).href;
  const script = `import(${JSON.stringify(module)}).then(({ parseFrame }) => console.log(JSON.stringify([
    parseFrame('{"msgid":22,"with":1,"mids":[388074716021129217,388074722547466241]}').mids,
    parseFrame('{"msgid":21,"with":2,"reader":1,"upto":388074716021129217}').upto,
    parseFrame('{"msgid":6,"mid":388074716021129217,"id":2,"toid":1,"msg":"\\\\"mid\\\\":1","ts":1796591423935}'),
  ])))`;
  const out = execFileSync(process.execPath, ['--harmony-json-parse-with-source', '--input-type=module', '-e', script],
      { encoding: 'utf8' });
  const [mids, upto, chat] = JSON.parse(out);
  assert.deepEqual(mids, ['388074716021129217', '388074722547466241']);
  assert.equal(upto, '388074716021129217');
  assert.equal(chat.mid, '388074716021129217');
  assert.equal(chat.ts, 1796591423935);
  assert.equal(chat.msg, '"mid":1');
});
