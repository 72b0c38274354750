package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.cluster.Cluster;
import io.loomchat.cluster.Delivery;
import io.loomchat.cluster.Mailbox;
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
 * Gets messages to users: into their live sessions on this server, through the cluster to the
 * servers that hold their other sessions, and into the offline store for each known device of
 * theirs (protocol 2.3) that got it neither way. A message handed to a session that then fails to write it comes back through
 * {@link StoreIfUndelivered} and is stored, so an acknowledged message is never dropped.
 */
final class MessageRouter {

    private static final Logger LOG = LoggerFactory.getLogger(MessageRouter.class);

    /** A chat message encoded once for any number of recipients. */
    record Chat(long mid, MessageType type, byte[] frame) {
        static Chat oneToOne(long mid, byte[] frame) {
            return new Chat(mid, MessageType.ONE_CHAT, frame);
        }

        static Chat group(long mid, byte[] frame) {
            return new Chat(mid, MessageType.GROUP_CHAT, frame);
        }

        /** The frame as stored offline: without its terminator. */
        String json() {
            return Frames.storedJson(frame);
        }

    }

    /** How many recipients of a group message were reached each way. */
    record Fanout(int online, int offline) {
    }

    /**
     * Where one user's copies of a message went.
     *
     * @param live       whether a session of the user got it live (here or on another server)
     * @param unreached  the user's known mailboxes that got nothing: the caller stores it for them
     */
    record Reach(boolean live, List<Mailbox> unreached) {
    }

    private final OnlineUsers online;
    private final OfflineMessageDao offline;
    private final Cluster cluster;
    private final KnownDevices devices;
    private final ChatMetrics metrics;
    /**
     * Runs just before a message is stored offline; a test's hook makes the login race happen.
     * Given to this router, not a static, so that tests with routers of their own can run at once.
     */
    private final Runnable beforeStore;

    MessageRouter(OnlineUsers online, OfflineMessageDao offline, Cluster cluster, KnownDevices devices,
                  ChatMetrics metrics, Runnable beforeStore) {
        this.online = online;
        this.offline = offline;
        this.cluster = cluster;
        this.devices = devices;
        this.metrics = metrics;
        this.beforeStore = beforeStore;
    }

    /**
     * Hands a message to every session of a user, here and on other servers, but the one of
     * {@code exceptMailbox} (the sender's own, when this is a carbon; 0 for none). Nothing is
     * stored: the caller decides whether to {@link #store} it for {@link Reach#unreached} (the
     * user may not exist).
     */
    Reach deliver(Chat chat, int userId, int exceptMailbox) {
        List<Integer> here = deliverHere(chat, userId, exceptMailbox);
        int[] known = devices.mailboxesOf(userId);
        if (allReached(known, exceptMailbox, here)) {
            return new Reach(true, List.of()); // the common case: no round trip to Redis
        }
        List<Integer> there = cluster.forward(delivery(chat), List.of(userId), exceptMailbox).mailboxesOf(userId);
        return new Reach(!here.isEmpty() || !there.isEmpty(), unreached(userId, known, exceptMailbox, here, there));
    }

    /**
     * Sends to every session of every recipient, here or through the cluster (one hand-off for
     * all), and stores it, in one transaction, for the known mailboxes reached neither way.
     * A recipient counts as online when a session of theirs got it live.
     */
    Fanout sendToAll(Chat chat, Collection<Integer> recipientIds) {
        // A recipient not wholly reached here: what reached it, and its known mailboxes (read once).
        record Partial(int userId, List<Integer> here, int[] known) {
        }
        List<Partial> elsewhere = null; // allocated only when someone is not wholly here
        int reachedUsers = 0;
        for (int recipientId : recipientIds) {
            List<Integer> here = deliverHere(chat, recipientId, 0);
            int[] known = devices.mailboxesOf(recipientId);
            if (allReached(known, 0, here)) {
                reachedUsers++;
                continue;
            }
            if (elsewhere == null) {
                elsewhere = new ArrayList<>();
            }
            elsewhere.add(new Partial(recipientId, here, known));
        }
        if (elsewhere == null) {
            return new Fanout(reachedUsers, 0);
        }
        Cluster.Reached there = cluster.forward(delivery(chat), elsewhere.stream().map(Partial::userId).toList(), 0);
        List<Mailbox> unreached = new ArrayList<>();
        int offlineUsers = 0;
        for (Partial recipient : elsewhere) {
            List<Integer> remote = there.mailboxesOf(recipient.userId());
            if (recipient.here().isEmpty() && remote.isEmpty()) {
                offlineUsers++;
            } else {
                reachedUsers++;
            }
            unreached.addAll(unreached(recipient.userId(), recipient.known(), 0, recipient.here(), remote));
        }
        store(chat, unreached);
        return new Fanout(reachedUsers, offlineUsers);
    }

    /**
     * Delivers to the user's sessions on this server (receipts sessions get their copies kept
     * first, in one step for all); returns the mailboxes reached.
     */
    private List<Integer> deliverHere(Chat chat, int userId, int exceptMailbox) {
        Seat[] seats = online.seatsOf(userId);
        if (seats.length == 0 || seats.length == 1 && seats[0].mailbox() == exceptMailbox) {
            return List.of();
        }
        List<Integer> notKept = keepForReceiptsSessions(chat, seats, exceptMailbox);
        List<Integer> reached = new ArrayList<>(seats.length);
        boolean inDoubt = cluster.leaseInDoubt(); // as in receive: stored, not live, for receipts sessions
        for (Seat seat : seats) {
            if (seat.mailbox() != exceptMailbox && !notKept.contains(seat.mailbox())
                    && !(inDoubt && seat.session().receipts()) && deliverLive(chat, seat)) {
                reached.add(seat.mailbox());
            }
        }
        return reached;
    }

    /**
     * Protocol 2.2: before a message reaches a receipts session here, the cluster keeps a copy
     * that outlives this server. Returns the mailboxes for which it could not (the session is
     * ending, or Redis is away): the message is stored for them instead, and pushed from the
     * store to a session that is still there.
     */
    private List<Integer> keepForReceiptsSessions(Chat chat, Seat[] seats, int exceptMailbox) {
        List<Integer> receipts = null;
        for (Seat seat : seats) {
            if (seat.mailbox() != exceptMailbox && seat.session().receipts()) {
                if (receipts == null) {
                    receipts = new ArrayList<>(seats.length);
                }
                receipts.add(seat.mailbox());
            }
        }
        return receipts == null ? List.of() : cluster.inbox().keep(chat.mid(), chat.frame(), receipts);
    }

    /** Whether every known mailbox but the one left out was reached; never when the known ones are not known. */
    private static boolean allReached(int[] known, int exceptMailbox, List<Integer> reached) {
        if (known == null) {
            return false;
        }
        for (int mailbox : known) {
            if (mailbox != exceptMailbox && !reached.contains(mailbox)) {
                return false;
            }
        }
        return true;
    }

    private static List<Mailbox> unreached(int userId, int[] known, int exceptMailbox, List<Integer> here,
                                           List<Integer> there) {
        if (known == null) { // the database is away: what reached a session is delivered, the rest cannot be kept
            return here.isEmpty() && there.isEmpty() && exceptMailbox == 0 ? List.of(Mailbox.withoutDevice(userId)) : List.of();
        }
        List<Mailbox> unreached = new ArrayList<>(0);
        for (int mailbox : known) {
            if (mailbox != exceptMailbox && !here.contains(mailbox) && !there.contains(mailbox)) {
                unreached.add(new Mailbox(userId, mailbox));
            }
        }
        return unreached;
    }

    private static Delivery delivery(Chat chat) {
        return Delivery.chat(chat.type().code(), chat.mid(), chat.frame());
    }

    /**
     * A chat message another server handed over for sessions it believed to be here: delivered
     * to them, or stored for those that have just left. Never forwarded again, so a message
     * cannot bounce between servers.
     */
    void receive(Chat chat, List<Mailbox> mailboxes) {
        List<Mailbox> gone = new ArrayList<>(0);
        boolean inDoubt = cluster.leaseInDoubt();
        for (Mailbox mailbox : mailboxes) {
            Seat seat = online.byMailbox(mailbox.id());
            // In doubt (see Cluster#leaseInDoubt) a receipts session may be one the cluster closed:
            // the message is stored for it instead (one row per mailbox and mid, whoever stores it).
            if (seat == null || inDoubt && seat.session().receipts() || !deliverLive(chat, seat)) {
                gone.add(mailbox);
            }
        }
        store(chat, gone);
    }

    /** Stores a message for sessions that no server holds, then pushes it to any that just logged in. */
    void store(Chat chat, List<Mailbox> mailboxes) {
        if (mailboxes.isEmpty()) {
            return;
        }
        String json = chat.json();
        List<OfflineMessageDao.Pending> stored = new ArrayList<>(mailboxes.size());
        for (Mailbox mailbox : mailboxes) {
            stored.add(new OfflineMessageDao.Pending(mailbox.id(), chat.mid(), json));
        }
        beforeStore.run();
        offline.storeAll(stored);
        metrics.offlineStored(stored.size());
        pushIfOnlineNow(mailboxes);
    }

    /**
     * A session may have logged in between our look-up and the insert, here or on another
     * server, in which case its login ack was built without the row: hand the row over now
     * rather than at the next login.
     */
    private void pushIfOnlineNow(List<Mailbox> mailboxes) {
        List<Integer> elsewhere = new ArrayList<>(0);
        for (Mailbox mailbox : mailboxes) {
            Seat seat = online.byMailbox(mailbox.id());
            if (seat != null) {
                seat.session().backlog().push(offline);
            } else if (!elsewhere.contains(mailbox.userId())) {
                elsewhere.add(mailbox.userId());
            }
        }
        cluster.forward(Delivery.stored(), elsewhere, 0);
    }

    /** Pushes stored messages to the sessions here of users another server stored messages for. */
    void pushStored(List<Mailbox> mailboxes) {
        for (Mailbox mailbox : mailboxes) {
            for (Seat seat : online.seatsOf(mailbox.userId())) {
                seat.session().backlog().push(offline);
            }
        }
    }

    /** Tells the online ones among {@code friendIds}, on any server, that a user came or went. */
    void announce(int userId, String name, boolean nowOnline, Collection<Integer> friendIds) {
        notify(MessageType.PRESENCE, () -> Frames.presence(userId, name, nowOnline), friendIds);
    }

    /**
     * Sends a live notice (presence, 2.2 roster pushes) to every session of the online ones among
     * {@code userIds}, on any server; those offline simply miss it. The frame is built at most
     * once, and only if someone is to get it. Dialects that do not carry the type drop it (see
     * {@link UserSession#deliver}).
     */
    void notify(MessageType type, Supplier<ObjectNode> notice, Collection<Integer> userIds) {
        notify(type, notice, userIds, 0);
    }

    /**
     * As {@link #notify(MessageType, Supplier, Collection)}, but not to the session of
     * {@code exceptMailbox}, which knows already (2.3 READ_NOTICE: the reader's own session; roster
     * pushes to the user's other devices: the session that asked; 0 for none).
     */
    void notify(MessageType type, Supplier<ObjectNode> notice, Collection<Integer> userIds, int exceptMailbox) {
        byte[] frame = null;
        List<Integer> elsewhere = new ArrayList<>();
        for (int userId : userIds) {
            Seat[] seats = online.seatsOf(userId);
            List<Integer> reached = new ArrayList<>(seats.length);
            for (Seat seat : seats) {
                if (seat.mailbox() == exceptMailbox) {
                    continue;
                }
                if (frame == null) {
                    frame = Json.frame(notice.get());
                }
                if (seat.session().deliver(userId, type, OutboundFrame.of(frame))) {
                    metrics.delivered(type);
                }
                reached.add(seat.mailbox());
            }
            // As for chat (deliver): only a mailbox known and not reached here sends it through
            // Redis. A user whose one session here is the excepted one (a roster push from a
            // user's only device) costs no round trip.
            if (!allReached(devices.mailboxesOf(userId), exceptMailbox, reached)) {
                elsewhere.add(userId);
            }
        }
        if (!elsewhere.isEmpty()) {
            cluster.forward(Delivery.notice(type.code(), frame == null ? Json.frame(notice.get()) : frame), elsewhere,
                    exceptMailbox);
        }
    }

    /** Delivers a notice another server handed over; sessions that have left simply miss it. */
    void receiveNotice(MessageType type, byte[] frame, List<Mailbox> mailboxes) {
        for (Mailbox mailbox : mailboxes) {
            Seat seat = online.byMailbox(mailbox.id());
            if (seat != null && seat.session().deliver(mailbox.userId(), type, OutboundFrame.of(frame))) {
                metrics.delivered(type);
            }
        }
    }

    private boolean deliverLive(Chat chat, Seat seat) {
        if (seat.session().deliverChat(seat.userId(), chat.mid(), chat.type(),
                new OutboundFrame(chat.frame(), new StoreIfUndelivered(new Mailbox(seat.userId(), seat.mailbox()), chat)))) {
            metrics.delivered(chat.type());
            return true;
        }
        return false;
    }

    /** Stores a chat message whose live delivery failed after it was accepted. */
    private final class StoreIfUndelivered implements OutboundFrame.Callback {
        private final Mailbox recipient;
        private final Chat chat;

        StoreIfUndelivered(Mailbox recipient, Chat chat) {
            this.recipient = recipient;
            this.chat = chat;
        }

        @Override
        public void written() {
            metrics.deliveryLatency(System.currentTimeMillis() - MessageIds.millisOf(chat.mid()));
        }

        @Override
        public void undelivered() {
            try {
                offline.store(recipient.id(), chat.mid(), chat.json());
                metrics.offlineStored(1);
            } catch (StoreException e) {
                LOG.error("message {} for user {} (mailbox {}) could not be delivered nor stored, it is lost: {}",
                        chat.mid(), recipient.userId(), recipient.id(), e.getMessage());
            }
        }
    }
}
