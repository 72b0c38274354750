package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;
import io.loomchat.store.Conversation;
import java.util.List;

/**
 * READ and TYPING (protocol 2.3): what a user says about a conversation without adding to it.
 * Neither gets a reply. A READ moves the user's read mark (kept in the database, never back,
 * written in batches by {@link ReadMarks}) and, once it moved, tells the user's other sessions
 * and, one-to-one, the other user's; a TYPING is passed on live
 * to the recipients' 2.3 sessions and never stored. Notices that cannot be delivered are dropped:
 * they are about now, and CONVERSATIONS tells the rest later.
 */
final class ReadStateHandlers {

    private ReadStateHandlers() {
    }

    /** The conversation a READ or TYPING names: {@code with}/{@code to} a user, or {@code groupid}. */
    private record Target(long conv, int userId, int groupId, List<Integer> groupMembers) {
        boolean isGroup() {
            return groupId != 0;
        }
    }

    static void read(Services services, UserSession session, Request request) {
        Target target = target(services, session, request, "with");
        long upto = request.optionalLong("upto", 0);
        if (upto <= 0) {
            throw new ServiceException(Errno.BAD_REQUEST, "upto must be the mid of a message");
        }
        // Written in the next batch of read marks, which then tells the sessions (ReadMarks).
        services.readMarks().mark(session.userId(), target.conv(),
                new ReadMarks.Mark(upto, target.isGroup() ? 0 : target.userId(), target.groupId(), session.mailbox()));
    }

    /** After a READ's mark moved (committed): tells the reader's other sessions and, one-to-one, the other user's. */
    static void tell(MessageRouter router, int reader, ReadMarks.Mark mark) {
        long upto = mark.upto();
        // The reader's other sessions, so that their unread counts follow.
        router.notify(MessageType.READ_NOTICE, () -> Frames.readNotice(mark.with(), mark.groupId(), reader, upto),
                List.of(reader), mark.readerMailbox());
        if (mark.groupId() == 0) {
            // The other user: their messages up to upto were read. Group marks stay the reader's own.
            router.notify(MessageType.READ_NOTICE, () -> Frames.readNotice(reader, 0, reader, upto), List.of(mark.with()));
        }
    }

    static void typing(Services services, UserSession session, Request request) {
        Target target = target(services, session, request, "to");
        if (!session.typingPace().allow(target.conv(), System.currentTimeMillis())) {
            return; // faster than a client may send them: dropped, silently
        }
        int typist = session.userId();
        String name = session.userName();
        if (target.isGroup()) {
            services.router().notify(MessageType.TYPING, () -> Frames.typing(typist, name, 0, target.groupId()),
                    target.groupMembers().stream().filter(member -> member != typist).toList());
        } else {
            services.router().notify(MessageType.TYPING, () -> Frames.typing(typist, name, target.userId(), 0),
                    List.of(target.userId()));
        }
    }

    /**
     * The conversation of a request: another user by {@code userField}, or a group the user is a
     * member of (errno 5 when there is no such group, 6 when the user is not in it). Group members
     * come from the cache chat uses, so a READ or TYPING for a group asks no database for them.
     */
    private static Target target(Services services, UserSession session, Request request, String userField) {
        boolean direct = request.has(userField);
        if (direct == request.has("groupid")) {
            throw new ServiceException(Errno.BAD_REQUEST, "name the conversation with " + userField + " or groupid, one of them");
        }
        int self = session.userId();
        if (direct) {
            int other = request.requiredInt(userField);
            if (other <= 0 || other == self) {
                throw new ServiceException(Errno.BAD_REQUEST, userField + " must name another user");
            }
            return new Target(Conversation.between(self, other), other, 0, List.of());
        }
        int groupId = request.requiredInt("groupid");
        List<Integer> members = services.groupMembers().of(groupId);
        if (!members.contains(self)) {
            if (members.isEmpty() && !services.db().groups().exists(groupId)) {
                throw new ServiceException(Errno.NOT_FOUND, "no group with id " + groupId);
            }
            throw new ServiceException(Errno.FORBIDDEN, "you are not a member of group " + groupId);
        }
        return new Target(Conversation.ofGroup(groupId), 0, groupId, members);
    }
}
