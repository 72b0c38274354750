package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.cluster.Cluster;
import io.loomchat.cluster.Delivery;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import io.loomchat.server.OutboundFrame;
import io.loomchat.store.OfflineMessageDao;
import io.loomchat.store.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets messages to users: into a live session on this server, through the cluster to the
 * server that holds the user, into the offline store otherwise. A message handed to a session that then fails to write it comes back through
 * {@link StoreIfUndelivered} and is stored, so an acknowledged message is never dropped.
 */
final class MessageRouter {

    private static final Logger LOG = LoggerFactory.getLogger(MessageRouter.class);

    /** A chat message encoded once for any number of recipients. */
    record Chat(long mid, MessageType type, byte[] frame) {
        static Chat of(long mid, ObjectNode frame) {
            return new Chat(mid, MessageType.fromCode(frame.get("msgid").intValue()), Json.frame(frame));
        }

        /** The frame as stored offline: without its terminator. */
        String json() {
            return Frames.storedJson(frame);
        }

    }

    /** How many recipients of a group message were reached each way. */
    record Fanout(int online, int offline) {
    }

    private final OnlineUsers online;
    private final OfflineMessageDao offline;
    private final Cluster cluster;
    private final ChatMetrics metrics;
    /** Runs just before a message is stored offline; tests use it to make the login race happen. */
    static volatile Runnable storeHook = () -> { };

    MessageRouter(OnlineUsers online, OfflineMessageDao offline, Cluster cluster, ChatMetrics metrics) {
        this.online = online;
        this.offline = offline;
        this.cluster = cluster;
        this.metrics = metrics;
    }

    /**
     * Hands a message to the recipient's live session, here or on another server. False when
     * there is none: the caller decides whether to {@link #store} it (the recipient may not exist).
     */
    boolean sendLive(Chat chat, int recipientId) {
        if (!keepForReceiptsSessionsHere(chat, List.of(recipientId)).isEmpty()) {
            return false; // the session is ending, or the copy could not be kept: the caller stores it
        }
        return deliverLive(chat, recipientId) || cluster.forward(delivery(chat), List.of(recipientId)).isEmpty();
    }

    /**
     * Sends to every recipient: to the session on this server, or through the cluster to the
     * server holding it; those reached neither way are stored in one transaction.
     */
    Fanout sendToAll(Chat chat, Collection<Integer> recipientIds) {
        List<Integer> unreached = deliverAnywhere(chat, recipientIds);
        store(chat, unreached);
        return new Fanout(recipientIds.size() - unreached.size(), unreached.size());
    }

    /**
     * Delivers to the sessions here, forwards the rest in one hand-off; returns those reached
     * neither way. Receipts sessions here get their copies kept first, in one step for all.
     */
    private List<Integer> deliverAnywhere(Chat chat, Collection<Integer> recipientIds) {
        List<Integer> notKept = keepForReceiptsSessionsHere(chat, recipientIds);
        List<Integer> elsewhere = null; // allocated only when someone is not here
        for (int recipientId : recipientIds) {
            if (!notKept.isEmpty() && notKept.contains(recipientId)) {
                continue; // stored below, with those reached nowhere
            }
            if (!deliverLive(chat, recipientId)) {
                if (elsewhere == null) {
                    elsewhere = new ArrayList<>();
                }
                elsewhere.add(recipientId);
            }
        }
        List<Integer> unreached = elsewhere == null ? List.of() : cluster.forward(delivery(chat), elsewhere);
        if (notKept.isEmpty()) {
            return unreached;
        }
        List<Integer> all = new ArrayList<>(unreached);
        all.addAll(notKept);
        return all;
    }

    /**
     * Protocol 2.2: before a message reaches a receipts session here, the cluster keeps a copy
     * that outlives this server. Returns the users for whom it could not (their session is
     * ending, or Redis is away): the message is stored for them instead, and pushed from the
     * store to a session that is still there.
     */
    private List<Integer> keepForReceiptsSessionsHere(Chat chat, Collection<Integer> recipientIds) {
        List<Integer> receiptsHere = null;
        for (int recipientId : recipientIds) {
            UserSession session = online.get(recipientId);
            if (session != null && session.receipts()) {
                if (receiptsHere == null) {
                    receiptsHere = new ArrayList<>();
                }
                receiptsHere.add(recipientId);
            }
        }
        return receiptsHere == null ? List.of() : cluster.inbox().keep(chat.mid(), chat.frame(), receiptsHere);
    }

    private static Delivery delivery(Chat chat) {
        return Delivery.chat(chat.type().code(), chat.mid(), chat.frame());
    }

    /**
     * A chat message another server handed over for users it believed to be here: delivered to
     * their sessions, or stored for those that have just left. Never forwarded again, so a
     * message cannot bounce between servers.
     */
    void receive(Chat chat, List<Integer> recipientIds) {
        List<Integer> gone = new ArrayList<>();
        for (int recipientId : recipientIds) {
            if (!deliverLive(chat, recipientId)) {
                gone.add(recipientId);
            }
        }
        store(chat, gone);
    }

    /** Stores a message for recipients that no server holds, then pushes it to any that just logged in. */
    void store(Chat chat, List<Integer> recipientIds) {
        if (recipientIds.isEmpty()) {
            return;
        }
        String json = chat.json();
        List<OfflineMessageDao.Pending> stored = new ArrayList<>(recipientIds.size());
        for (int recipientId : recipientIds) {
            stored.add(new OfflineMessageDao.Pending(recipientId, chat.mid(), json));
        }
        storeHook.run();
        offline.storeAll(stored);
        metrics.offlineStored(stored.size());
        pushIfOnlineNow(recipientIds);
    }

    /**
     * A recipient may have logged in between our look-up and the insert, here or on another
     * server, in which case its login ack was built without the row: hand the row over now
     * rather than at the next login.
     */
    private void pushIfOnlineNow(List<Integer> recipientIds) {
        List<Integer> elsewhere = new ArrayList<>();
        for (int recipientId : recipientIds) {
            UserSession session = online.get(recipientId);
            if (session != null) {
                session.pushStored(recipientId, offline);
            } else {
                elsewhere.add(recipientId);
            }
        }
        cluster.forward(Delivery.stored(), elsewhere);
    }

    /** Pushes stored messages to the sessions here of users another server stored messages for. */
    void pushStored(List<Integer> recipientIds) {
        for (int recipientId : recipientIds) {
            UserSession session = online.get(recipientId);
            if (session != null) {
                session.pushStored(recipientId, offline);
            }
        }
    }

    /** Tells the online ones among {@code friendIds}, on any server, that a user came or went. */
    void announce(int userId, String name, boolean nowOnline, Collection<Integer> friendIds) {
        notify(MessageType.PRESENCE, () -> Frames.presence(userId, name, nowOnline), friendIds);
    }

    /**
     * Sends a live notice (presence, 2.2 roster pushes) to the online ones among {@code userIds},
     * on any server; those offline simply miss it. The frame is built at most once, and only if
     * someone is to get it. Dialects that do not carry the type drop it (see {@link UserSession#deliver}).
     */
    void notify(MessageType type, Supplier<ObjectNode> notice, Collection<Integer> userIds) {
        byte[] frame = null;
        List<Integer> elsewhere = new ArrayList<>();
        for (int userId : userIds) {
            UserSession session = online.get(userId);
            if (session == null) {
                elsewhere.add(userId);
                continue;
            }
            if (frame == null) {
                frame = Json.frame(notice.get());
            }
            if (session.deliver(userId, type, OutboundFrame.of(frame))) {
                metrics.delivered(type);
            }
        }
        if (!elsewhere.isEmpty()) {
            cluster.forward(Delivery.notice(type.code(), frame == null ? Json.frame(notice.get()) : frame), elsewhere);
        }
    }

    /** Delivers a notice another server handed over; users that have left simply miss it. */
    void receiveNotice(MessageType type, byte[] frame, List<Integer> recipientIds) {
        for (int recipientId : recipientIds) {
            UserSession session = online.get(recipientId);
            if (session != null && session.deliver(recipientId, type, OutboundFrame.of(frame))) {
                metrics.delivered(type);
            }
        }
    }

    private boolean deliverLive(Chat chat, int recipientId) {
        UserSession session = online.get(recipientId);
        if (session != null && session.deliverChat(recipientId, chat.mid(), chat.type(),
                new OutboundFrame(chat.frame(), new StoreIfUndelivered(recipientId, chat)))) {
            metrics.delivered(chat.type());
            return true;
        }
        return false;
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
        public void written() {
            metrics.deliveryLatency(System.currentTimeMillis() - MessageIds.millisOf(chat.mid()));
        }

        @Override
        public void undelivered() {
            try {
                offline.store(recipientId, chat.mid(), chat.json());
                metrics.offlineStored(1);
            } catch (StoreException e) {
                LOG.error("message {} for user {} could not be delivered nor stored, it is lost: {}",
                        chat.mid(), recipientId, e.getMessage());
            }
        }
    }
}
