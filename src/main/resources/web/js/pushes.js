// What the server sends without being asked: chat messages, presence changes, the 2.2 roster
// pushes, and 2.3's read and delivered notices and typing. One table from message type to
// handler; types it does not know (from a newer server) are left alone. Replies go to the
// request that waits for them first.

import { MsgId } from './protocol.js';
import { friendAdded, groupJoined } from './roster-pushes.js';
import { reason, say } from './words.js';

/** Several READ_NOTICEs the page cannot work out (a burst of them) make one CONVERSATIONS. */
const RELIST_DELAY_MS = 300;

/**
 * @param notify (text, tone) shows a passing notice: tone 'info' or 'failed'
 * @param relist () asks the server for the conversation list again (unread counts it knows best)
 */
export function handlePushes(connection, requestsOut, state, receipts, notify, relist) {
  let relistTimer = null;
  const relistSoon = () => {
    if (relistTimer === null) {
      relistTimer = setTimeout(() => {
        relistTimer = null;
        relist();
      }, RELIST_DELAY_MS);
    }
  };

  const chat = (kind) => (frame) => {
    if (receipts.toShow(frame)) {
      state.incoming(frame, kind);
    }
    // Also a repeat: the server sent it again because no RECEIPT of it had arrived.
    receipts.handled(frame);
  };

  // What a roster push changed is said in its conversation and as a notice.
  const rosterPush = (apply) => (frame) => {
    const line = apply(state, frame);
    if (line !== null) {
      state.event(line.kind, line.id, line.text);
      notify(line.text, 'info');
    }
  };

  const handlers = new Map([
    [MsgId.ONE_CHAT, chat('user')],
    [MsgId.GROUP_CHAT, chat('group')],
    [MsgId.PRESENCE, (frame) => {
      const online = frame.state === 'online';
      state.presence(frame.id, frame.name ?? '?', online);
      notify(say.presence(frame.name ?? '?', frame.id, online), 'info');
    }],
    [MsgId.FRIEND_ADDED, rosterPush(friendAdded)],
    [MsgId.GROUP_JOINED, rosterPush(groupJoined)],
    // 2.3: another device of the user read a conversation (unread counts follow), or the other
    // user read the user's messages (ticks follow).
    [MsgId.READ_NOTICE, (frame) => {
      if (state.readNotice(frame)) {
        relistSoon();
      }
    }],
    [MsgId.DELIVERED, (frame) => {
      if (Number.isInteger(frame.with) && Array.isArray(frame.mids)) {
        state.delivered(frame.with, frame.mids);
      }
    }],
    [MsgId.TYPING, (frame) => state.typingHeard(frame, Date.now())],
    // An ACK that answers no request of ours: the server refused something (a RECEIPT, a garbled frame).
    // A RECEIPT refused for now goes again by itself: nothing for the user to do.
    [MsgId.ACK, (frame) => {
      if (receipts.answered(frame)) {
        return;
      }
      if ((frame.errno ?? 0) !== 0) {
        notify(`The server refused a request: ${reason({ reply: frame })}.`, 'failed');
      }
    }],
  ]);

  connection.addEventListener('frame', (event) => {
    const { frame } = event.detail;
    if (requestsOut.received(frame)) {
      return;
    }
    const handler = handlers.get(frame.msgid);
    if (handler === undefined) {
      return;
    }
    try {
      handler(frame);
    } catch (error) {
      // One frame we cannot make sense of must not stop the page from handling the next.
      console.error('could not handle a frame from the server', frame, error);
    }
  });
}
