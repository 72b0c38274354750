import assert from 'node:assert/strict';
import test from 'node:test';
import { parseFrame } from '../../main/resources/web/js/protocol.js';
import {
  FIRST_PAUSE_MS, MAX_PAUSE_MS, REMEMBERED_MIDS, ReceiptResends, answersAReceipt, pauseMs,
} from '../../main/resources/web/js/receipt-resends.js';
import { Receipts } from '../../main/resources/web/js/receipts.js';
import { SeenMids } from '../../main/resources/web/js/seen-mids.js';

// Mids above 2^53, as the server makes them: they must go out exactly as they came.
const M1 = '388216463409807360';
const M2 = '388216463409807361';
const M3 = '388216463409807362';

class FakeConnection extends EventTarget {
  open = true;
  sent = [];
  send(text) {
    if (!this.open) {
      return false;
    }
    this.sent.push(text);
    return true;
  }

  /** The RECEIPTs sent since the last call, as the server reads them (mids as decimal strings). */
  receipts() {
    const frames = this.sent.map((text) => parseFrame(text));
    this.sent = [];
    return frames;
  }
}

function setUp() {
  const connection = new FakeConnection();
  let now = 0;
  const receipts = new Receipts(connection, new SeenMids(), { now: () => now, flushEveryMs: null });
  receipts.started();
  return { connection, receipts, advance: (ms) => { now += ms; } };
}

function chat(mid) {
  return { msgid: 6, mid, id: 2, name: 'bob', toid: 1, msg: `bob ${mid}`, ts: 1 };
}

function deliver(receipts, mid) {
  const shown = receipts.toShow(chat(mid));
  receipts.handled(chat(mid));
  return shown;
}

/** The errno 10 ACK the server sends for a RECEIPT it cannot take yet, echoing its seq. */
function refusal(receipt, errno = 10) {
  return { msgid: 11, ack: 15, errno, errmsg: 'send the receipt again', seq: receipt.seq };
}

test('each RECEIPT carries a seq of its own, a string no request of requests.js can have', () => {
  const { connection, receipts } = setUp();
  deliver(receipts, M1);
  receipts.flush();
  deliver(receipts, M2);
  receipts.flush();
  const [first, second] = connection.receipts();
  assert.deepEqual(first.mids, [M1]);
  assert.equal(typeof first.seq, 'string');
  assert.notEqual(first.seq, second.seq);
  assert.ok(answersAReceipt({ msgid: 11, seq: first.seq }));
  assert.ok(!answersAReceipt({ msgid: 11, seq: 1 }), 'a request of requests.js');
});

test('a RECEIPT refused with errno 10 goes again after 1 s, and the refusal is not for the user', () => {
  const { connection, receipts, advance } = setUp();
  deliver(receipts, M1);
  deliver(receipts, M2);
  receipts.flush();
  const [refused] = connection.receipts();
  assert.equal(receipts.answered(refusal(refused)), true, 'dealt with, not shown');

  deliver(receipts, M3);
  receipts.flush();
  assert.deepEqual(connection.receipts().map((r) => r.mids), [[M3]], 'new ones go out at once, alone');
  advance(FIRST_PAUSE_MS - 1);
  receipts.flush();
  assert.deepEqual(connection.receipts(), [], 'not within the pause');

  advance(1);
  receipts.flush();
  const [again] = connection.receipts();
  assert.deepEqual(again.mids, [M1, M2]);
  assert.notEqual(again.seq, refused.seq);
  advance(60_000);
  receipts.flush();
  assert.deepEqual(connection.receipts(), [], 'no reply means taken: not sent a third time');
});

test('while the refusals go on, the pause doubles up to 8 s', () => {
  const { connection, receipts, advance } = setUp();
  deliver(receipts, M1);
  receipts.flush();
  for (const pause of [1000, 2000, 4000, 8000, 8000]) {
    const [receipt] = connection.receipts();
    receipts.answered(refusal(receipt));
    advance(pause - 1);
    receipts.flush();
    assert.deepEqual(connection.receipts(), [], `not before ${pause} ms`);
    advance(1);
    receipts.flush();
    connection.sent.forEach((text) => assert.match(text, new RegExp(M1)));
    assert.equal(connection.sent.length, 1, `after ${pause} ms`);
  }
});

test('other refusals of a RECEIPT are left for the user to see, and it is not sent again', () => {
  const { connection, receipts, advance } = setUp();
  deliver(receipts, M1);
  receipts.flush();
  const [receipt] = connection.receipts();
  assert.equal(receipts.answered(refusal(receipt, 8)), false);
  assert.equal(receipts.answered({ msgid: 11, ack: 7, errno: 10, seq: 3 }), false, 'another request\'s');
  advance(60_000);
  receipts.flush();
  assert.deepEqual(connection.receipts(), []);
});

test('what was refused goes with the last RECEIPTs before LOGINOUT, without waiting for the pause', () => {
  const { connection, receipts } = setUp();
  deliver(receipts, M1);
  receipts.flush();
  receipts.answered(refusal(connection.receipts()[0]));
  deliver(receipts, M2);
  receipts.end();
  assert.deepEqual(connection.receipts().map((r) => r.mids), [[M2], [M1]]);
});

test('a refusal that comes after the connection dropped asks for nothing in the next session', () => {
  const { connection, receipts, advance } = setUp();
  deliver(receipts, M1);
  receipts.flush();
  const [receipt] = connection.receipts();
  connection.dispatchEvent(new CustomEvent('close', { detail: {} }));
  assert.equal(receipts.answered(refusal(receipt)), true, 'ours, so not shown');
  receipts.started();
  advance(60_000);
  receipts.flush();
  assert.deepEqual(connection.receipts(), [], 'the server delivers it again at the login, and that is confirmed');
  assert.equal(deliver(receipts, M1), false, 'shown once');
  receipts.flush();
  assert.deepEqual(connection.receipts().map((r) => r.mids), [[M1]]);
});

test('refusals that come during the pause join the mids waiting and go with them', () => {
  const resends = new ReceiptResends();
  const first = resends.sending([M1, M2], 0);
  const second = resends.sending([M2, M3], 0);
  assert.equal(resends.refused(first, 0), true);
  assert.equal(resends.refused(second, 600), true);
  assert.equal(resends.due(999), null);
  assert.deepEqual(resends.due(1000), { mids: [M1, M2, M3], refusals: 1 });
  assert.equal(resends.refused(first, 1000), false, 'once');
});

test('the oldest RECEIPTs are forgotten beyond 20,000 mids, and seqs are never used twice', () => {
  const resends = new ReceiptResends();
  const thousand = Array.from({ length: 1000 }, (_, i) => String(i));
  const oldest = resends.sending(thousand, 0);
  for (let n = 1; n < REMEMBERED_MIDS / 1000; n++) {
    resends.sending(thousand, 0);
  }
  assert.ok(resends.remembered.includes(oldest));
  resends.sending([M1], 0);
  assert.ok(!resends.remembered.includes(oldest));
  assert.equal(resends.refused(oldest, 0), false, 'those come again at the next login');
  resends.clear();
  assert.notEqual(resends.sending([M1], 0), oldest);
  assert.equal(pauseMs(0), FIRST_PAUSE_MS);
  assert.equal(pauseMs(50), MAX_PAUSE_MS);
});
