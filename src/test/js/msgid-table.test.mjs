// Issue 24: the page's msgid table must agree with the server's, read from the Java source that
// the server is built from, so that a type added on one side and not the other fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { MsgId } from '../../main/resources/web/js/protocol.js';

const JAVA = new URL('../../main/java/io/loomchat/protocol/MessageType.java', import.meta.url);

function serverTable() {
  const source = readFileSync(JAVA, 'utf8');
  const body = source.slice(source.indexOf('enum MessageType'), source.indexOf(';', source.indexOf('enum MessageType')));
  const table = {};
  for (const [, name, code] of body.matchAll(/\b([A-Z][A-Z0-9_]*)\((\d+)\)/g)) {
    table[name] = Number(code);
  }
  return table;
}

test('the page knows every message type of the server, by the same name and code', () => {
  const server = serverTable();
  assert.ok(Object.keys(server).length >= 24, `read ${Object.keys(server).length} types from ${JAVA.pathname}`);
  assert.deepEqual({ ...MsgId }, server);
});

test('no two message types share a code', () => {
  const codes = Object.values(MsgId);
  assert.equal(new Set(codes).size, codes.length);
});
