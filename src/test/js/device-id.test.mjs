import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import test from 'node:test';
import { isDeviceId, newDeviceId, profileDeviceId } from '../../main/resources/web/js/device-id.js';

const random = (bytes) => webcrypto.getRandomValues(bytes);

class MemoryStorage {
  values = new Map();
  getItem(key) { return this.values.has(key) ? this.values.get(key) : null; }
  setItem(key, value) { this.values.set(key, String(value)); }
}

test('a new device id is web- and 16 of [a-z0-9], valid per PROTOCOL.md', () => {
  for (let i = 0; i < 200; i++) {
    const id = newDeviceId(random);
    assert.match(id, /^web-[a-z0-9]{16}$/);
    assert.ok(isDeviceId(id));
  }
});

test('bytes that would favour some characters are drawn again', () => {
  let calls = 0;
  const skewed = (bytes) => {
    calls++;
    bytes.fill(calls === 1 ? 255 : 37); // first all rejected, then 37 % 36 = 1 -> 'b'
    return bytes;
  };
  assert.equal(newDeviceId(skewed), `web-${'b'.repeat(16)}`);
  assert.equal(calls, 2);
});

test('the id is made once per profile and kept', () => {
  const storage = new MemoryStorage();
  const first = profileDeviceId(storage, random);
  assert.equal(profileDeviceId(storage, random), first);
  storage.setItem('loomchat.device', 'not valid!');
  assert.notEqual(profileDeviceId(storage, random), 'not valid!', 'a value that is no device id is replaced');
});

test('without usable storage there is no device id: the page logs in as before 2.3', () => {
  const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); } };
  assert.equal(profileDeviceId(broken, random), null);
});
