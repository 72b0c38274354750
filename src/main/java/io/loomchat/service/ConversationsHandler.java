package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.loomchat.protocol.Errno;
import io.loomchat.store.Contact;
import io.loomchat.store.Conversation;
import io.loomchat.store.ConversationDao;
import io.loomchat.store.GroupDao;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CONVERSATIONS (protocol 2.3): the user's conversations with history, the most recently active
 * first, each with its newest message, its unread count and (one-to-one) the other user's read
 * mark. A fixed number of statements whatever the history holds: the user's rows and groups,
 * one group-by over History's key for every conversation's newest mid, then, for the page only,
 * the newest frames, bounded unread counts, the other users' marks and names.
 *
 * <p>A conversation without any message the user may see (a group with nothing said since they
 * joined, or whose history expired) is not listed: the login ack lists every group anyway.
 */
final class ConversationsHandler {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    /**
     * Unread counts stop here: each is a range of History that ends after this many messages of
     * others, so that a conversation left unread for months costs what one with 100 does. A client
     * shows it as "99+".
     */
    static final int MAX_UNREAD = 100;

    private ConversationsHandler() {
    }

    static void conversations(Services services, UserSession session, Request request) {
        int limit = request.optionalInt("limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ServiceException(Errno.BAD_REQUEST, "limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
        int userId = session.userId();
        ObjectNode ack = Frames.ack(request);
        ArrayNode list = ack.putArray("conversations");
        if (!services.config().history().enabled()) {
            session.send(ack); // no history, no conversations
            return;
        }
        services.history().awaitRecorded(); // every message acknowledged before is counted
        ConversationDao dao = services.db().conversations();
        Map<Long, Long> marks = dao.ofUser(userId);
        services.readMarks().overlay(userId, marks); // the user's READs not written yet
        // Where the user's view of each conversation starts: 0, or for a group the join.
        Map<Long, Long> floors = new HashMap<>();
        Map<Long, String> groupNames = new HashMap<>();
        marks.keySet().stream().filter(conv -> !Conversation.isGroup(conv)).forEach(conv -> floors.put(conv, 0L));
        for (GroupDao.Membership group : services.db().groups().membershipsOf(userId)) {
            long conv = Conversation.ofGroup(group.groupId());
            floors.put(conv, group.joinedMid());
            groupNames.put(conv, group.groupName());
        }
        List<ConversationDao.Newest> page = new ArrayList<>(dao.newest(List.copyOf(floors.keySet())).stream()
                .filter(newest -> newest.mid() > floors.get(newest.conv()))
                .sorted(Comparator.comparingLong(ConversationDao.Newest::mid).reversed())
                .limit(limit)
                .toList());
        if (page.isEmpty()) {
            session.send(ack);
            return;
        }
        Map<Long, String> lasts = dao.messages(page);
        Map<Long, Long> unreadAfter = new HashMap<>();
        List<ConversationDao.Mark> theirMarks = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (ConversationDao.Newest newest : page) {
            long conv = newest.conv();
            unreadAfter.put(conv, Math.max(marks.getOrDefault(conv, 0L), floors.get(conv)));
            if (!Conversation.isGroup(conv)) {
                int other = other(conv, userId);
                others.add(other);
                theirMarks.add(new ConversationDao.Mark(other, conv));
            }
        }
        Map<Long, Integer> unread = dao.unread(unreadAfter, userId, MAX_UNREAD);
        Map<ConversationDao.Mark, Long> readByThem = dao.marks(theirMarks);
        Map<Integer, Contact> names = services.db().users().contacts(others);
        for (ConversationDao.Newest newest : page) {
            long conv = newest.conv();
            String last = lasts.get(conv);
            if (last == null) {
                continue; // removed by retention since the newest mid was read
            }
            ObjectNode item = list.addObject();
            if (Conversation.isGroup(conv)) {
                item.put("groupid", Conversation.groupOf(conv));
                item.put("groupname", groupNames.get(conv));
            } else {
                int other = other(conv, userId);
                Contact contact = names.get(other);
                item.put("with", other);
                item.put("name", contact == null ? "" : contact.name());
            }
            // The stored frame goes out as is, as in HISTORY.
            item.putRawValue("last", new RawValue(last));
            item.put("unread", unread.getOrDefault(conv, 0));
            if (!Conversation.isGroup(conv)) {
                item.put("read_by_them", readByThem.getOrDefault(new ConversationDao.Mark(other(conv, userId), conv), 0L));
            }
        }
        session.send(ack);
    }

    /** The other user of a one-to-one conversation of {@code userId}'s. */
    static int other(long conv, int userId) {
        int[] users = Conversation.users(conv);
        return users[0] == userId ? users[1] : users[0];
    }
}
