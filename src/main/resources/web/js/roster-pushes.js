// The roster pushes into the state, with the sentence that tells the user: FRIEND_ADDED (16) and
// GROUP_JOINED (17). In 2.2 they say that someone added the user or joined one of the user's
// groups; in 2.3 they also tell the user's other devices what the user did on one of them:
// FRIEND_ADDED's `by` is then the user's own id, and GROUP_JOINED's `user` is the user, with the
// whole group in `group` (docs/protocol.md, 10.2). No DOM: Node's test runner checks it.

import { say } from './words.js';

/**
 * FRIEND_ADDED: the friend goes into the list. Returns the line to show and the conversation it
 * belongs in, { kind, id, text }.
 */
export function friendAdded(state, frame) {
  const friend = state.addFriend(frame.friend);
  const text = isMe(state, frame.by) ? say.addedOnAnotherDevice(friend) : say.addedYou(friend);
  return { kind: 'user', id: friend.id, text };
}

/**
 * GROUP_JOINED: a group of the user's on another device goes into the list, or a newcomer into
 * a group of the user's. Returns the line as friendAdded does, or null for a group the page does
 * not know (nothing to show).
 */
export function groupJoined(state, frame) {
  const user = frame.user ?? {};
  if (isMe(state, user.id) && frame.group) {
    const group = state.addGroup(frame.group);
    const text = user.role === 'creator' ? say.createdOnAnotherDevice(group) : say.joinedOnAnotherDevice(group);
    return { kind: 'group', id: group.id, text };
  }
  const group = state.memberJoined(frame.groupid, user);
  if (group === null) {
    return null;
  }
  return { kind: 'group', id: group.id, text: say.memberJoined({ id: user.id, name: user.name ?? '?' }, group) };
}

function isMe(state, id) {
  return state.me !== null && id === state.me.id;
}
