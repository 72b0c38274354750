package io.loomchat.service;

import io.loomchat.protocol.MessageType;
import io.loomchat.store.Contact;
import io.loomchat.store.Group;
import java.util.List;

/**
 * Who hears at once of a change to a user's friends or groups (roster pushes, FRIEND_ADDED and
 * GROUP_JOINED): the other side of a new friendship and a group's other members (2.2), and the
 * user's own other sessions, on any server, so that every device of theirs lists the same friends
 * and groups without logging in again (2.3; XMPP sends roster pushes to all of a user's
 * resources for the same reason). The session that made the change has its ACK and gets no push.
 * Live notices only: whoever is offline reads the same in the next login ack.
 */
final class RosterPushes {

    private RosterPushes() {
    }

    /** The user of {@code session} added {@code friend} (as its ACK describes them). */
    static void befriended(MessageRouter router, UserSession session, Contact friend) {
        int adderId = session.userId();
        Contact adder = new Contact(adderId, session.userName(), true);
        router.notify(MessageType.FRIEND_ADDED, () -> Frames.friendAdded(adder, adderId), List.of(friend.id()));
        if (mayHaveOtherSessions(session)) {
            router.notify(MessageType.FRIEND_ADDED, () -> Frames.friendAdded(friend, adderId), List.of(adderId),
                    session.mailbox());
        }
    }

    /**
     * The user of {@code session} created {@code group} or joined it; {@code group} is as it is
     * now, with that user among its members. The other members online hear of the newcomer.
     */
    static void joined(MessageRouter router, UserSession session, Group group) {
        int userId = session.userId();
        Contact joiner = new Contact(userId, session.userName(), true);
        List<Integer> others = group.members().stream().map(Group.Member::id).filter(id -> id != userId).toList();
        router.notify(MessageType.GROUP_JOINED, () -> Frames.groupJoined(group.id(), joiner), others); // none after a creation
        if (mayHaveOtherSessions(session)) {
            router.notify(MessageType.GROUP_JOINED, () -> Frames.ownGroupJoined(group, userId), List.of(userId),
                    session.mailbox());
        }
    }

    /**
     * Whether other sessions of this session's user may live: only a device session's. A session
     * without a device (2.2 and older clients, the legacy dialect) is its user's only one, so
     * there is nobody to tell, and no need to ask the cluster whether there is.
     */
    private static boolean mayHaveOtherSessions(UserSession session) {
        return session.device() != null;
    }
}
