package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.Json;
import io.loomchat.store.Conversation;
import io.loomchat.store.HistoryDao;

/**
 * HISTORY (protocol 2.3): a page of one conversation, one-to-one ({@code with}) or a group's
 * ({@code groupid}), the newest {@code limit} messages before {@code before}, oldest first.
 */
final class HistoryHandler {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private HistoryHandler() {
    }

    static void history(Services services, UserSession session, Request request) {
        boolean oneToOne = request.has("with");
        if (oneToOne == request.has("groupid")) {
            throw new ServiceException(Errno.BAD_REQUEST, "HISTORY needs either with or groupid");
        }
        long before = request.optionalLong("before", Long.MAX_VALUE);
        int limit = request.optionalInt("limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ServiceException(Errno.BAD_REQUEST, "limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
        int userId = session.userId();
        History.Page page;
        if (oneToOne) {
            int otherId = request.requiredInt("with");
            if (otherId == userId) {
                throw new ServiceException(Errno.BAD_REQUEST, "with must name another user, not yourself");
            }
            if (!services.db().users().exists(otherId)) {
                throw new ServiceException(Errno.NOT_FOUND, "no user with id " + otherId);
            }
            page = services.history().page(Conversation.between(userId, otherId), Long.MIN_VALUE, before, limit);
        } else {
            int groupId = request.requiredInt("groupid");
            Long joinedMid = services.db().groups().joinedMid(groupId, userId);
            if (joinedMid == null) {
                if (!services.db().groups().exists(groupId)) {
                    throw new ServiceException(Errno.NOT_FOUND, "no group with id " + groupId);
                }
                throw new ServiceException(Errno.FORBIDDEN, "you are not a member of group " + groupId);
            }
            // A member sees the group's messages since joining it, not those from before.
            page = services.history().page(Conversation.ofGroup(groupId), joinedMid, before, limit);
        }
        ObjectNode ack = Frames.ack(request);
        ArrayNode messages = ack.putArray("messages");
        for (HistoryDao.Entry entry : page.oldestFirst()) {
            // The stored text is the frame the server built itself: it goes out as is, as the
            // login ack's offline messages do, with no parsing and no quoting.
            messages.addRawValue(new RawValue(entry.json()));
        }
        ack.put("more", page.more());
        session.send(ack);
    }
}
