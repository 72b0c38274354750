package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import io.loomchat.server.OutboundFrame;
import io.loomchat.store.OfflineMessageDao;
import io.loomchat.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets messages to users: into a live session when there is one, into the offline store
 * otherwise. A message handed to a session that then fails to write it comes back through
 * {@link StoreIfUndelivered} and is stored, so an acknowledged message is never dropped.
 */
final class MessageRouter {

    private static final Logger LOG = LoggerFactory.getLogger(MessageRouter.class);

    /** Where a message went. */
    enum Outcome { ONLINE, OFFLINE }

    /** A chat message encoded once for any number of recipients. */
    record Chat(long mid, MessageType type, byte[] frame) {
        static Chat of(long mid, ObjectNode frame) {
            return new Chat(mid, MessageType.fromCode(frame.get("msgid").intValue()), Json.frame(frame));
        }

        /** The frame as stored offline: without its terminator. */
        String json() {
            return new String(frame, 0, frame.length - 1, StandardCharsets.UTF_8);
        }
    }

    /** How many recipients of a group message were reached each way. */
    record Fanout(int online, int offline) {
    }

    private final OnlineUsers online;
    private final OfflineMessageDao offline;
    /** Runs just before a message is stored offline; tests use it to make the login race happen. */
    static volatile Runnable storeHook = () -> { };

    MessageRouter(OnlineUsers online, OfflineMessageDao offline) {
        this.online = online;
        this.offline = offline;
    }

    Outcome send(Chat chat, int recipientId) {
        return sendToAll(chat, List.of(recipientId)).online() == 1 ? Outcome.ONLINE : Outcome.OFFLINE;
    }

    /** Sends to every recipient; those not reachable live are stored in one transaction. */
    Fanout sendToAll(Chat chat, Collection<Integer> recipientIds) {
        List<OfflineMessageDao.Pending> stored = new ArrayList<>();
        String json = null;
        int live = 0;
        for (int recipientId : recipientIds) {
            if (deliverLive(chat, recipientId)) {
                live++;
            } else {
                json = json == null ? chat.json() : json;
                stored.add(new OfflineMessageDao.Pending(recipientId, chat.mid(), json));
            }
        }
        if (!stored.isEmpty()) {
            storeHook.run();
            offline.storeAll(stored);
            stored.forEach(message -> pushIfOnlineNow(message.userId()));
        }
        return new Fanout(live, stored.size());
    }

    /**
     * The recipient may have logged in between our look-up and the insert, in which case its
     * login ack was built without the row: hand the row over now rather than at the next login.
     */
    private void pushIfOnlineNow(int recipientId) {
        UserSession session = online.get(recipientId);
        if (session != null) {
            session.pushStored(recipientId, offline);
        }
    }

    /** Tells the online ones among {@code friendIds} that a user came or went. */
    void announce(int userId, String name, boolean nowOnline, Collection<Integer> friendIds) {
        byte[] frame = null;
        for (int friendId : friendIds) {
            UserSession session = online.get(friendId);
            if (session != null) {
                if (frame == null) {
                    frame = Json.frame(Frames.presence(userId, name, nowOnline));
                }
                session.deliver(friendId, MessageType.PRESENCE, OutboundFrame.of(frame));
            }
        }
    }

    private boolean deliverLive(Chat chat, int recipientId) {
        UserSession session = online.get(recipientId);
        return session != null && session.deliver(recipientId, chat.type(),
                new OutboundFrame(chat.frame(), new StoreIfUndelivered(recipientId, chat)));
    }

    /** Stores a chat message whose live delivery failed after it was accepted. */
    private final class StoreIfUndelivered implements OutboundFrame.Callback {
        private final int recipientId;
        private final Chat chat;

        StoreIfUndelivered(int recipientId, Chat chat) {
            this.recipientId = recipientId;
            this.chat = chat;
        }

        @Override
        public void undelivered() {
            try {
                offline.store(recipientId, chat.mid(), chat.json());
            } catch (StoreException e) {
                LOG.error("message {} for user {} could not be delivered nor stored, it is lost: {}",
                        chat.mid(), recipientId, e.getMessage());
            }
        }
    }
}
