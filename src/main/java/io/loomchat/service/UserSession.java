package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.cluster.Inbox;
import io.loomchat.protocol.Dialect;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import io.loomchat.server.ConnectionListener;
import io.loomchat.server.Outbound;
import io.loomchat.server.OutboundFrame;
import io.loomchat.store.OfflineMessage;
import io.loomchat.store.OfflineMessageDao;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business state of one connection: its dialect and the user logged in on it.
 *
 * <p>The {@code on*} methods run on the connection's reader thread, and the handlers on it or
 * on a worker it waits for (see {@link HandlerTable.Route}), so requests never overlap. Other
 * users' threads call {@link #deliver}; the lock orders those deliveries against login and
 * logout, so that a message accepted for this user is queued before the logout ACK (and
 * flushed) or refused and stored offline, never queued to a session that no longer is the
 * user's, and never overtakes the login ack.
 */
final class UserSession implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(UserSession.class);

    private final Outbound outbound;
    private final ChatService service;
    private final ReentrantLock lock = new ReentrantLock();
    /** Null when unlimited. Used by the reader thread only. */
    private final RateLimiter rateLimiter;
    /** Fixed by the first frame; read by delivering threads afterwards. */
    private volatile Dialect dialect;
    /** The logged-in user, 0 when nobody is. Written under {@link #lock}. */
    private volatile int userId;
    private volatile String userName;
    /**
     * Where this session's messages wait while it cannot take them (see {@link Seat}); 0 when
     * nobody is logged in. Written under {@link #lock}.
     */
    private volatile int mailbox;
    /** The device id of this session (protocol 2.3), null without one. Written under lock. */
    private volatile String device;
    /** Offline rows handed to this session without receipts and not deleted yet. */
    private final RowsInFlight rowsInFlight = new RowsInFlight();
    /** The hash of the resume token this session logged in with or was given; null if none. Guarded by lock. */
    private String tokenHash;
    /**
     * True while {@link BacklogPump} sends the offline backlog after the login ack. Live
     * deliveries then go to the store instead, behind the backlog, and the pump sends them in
     * order; pushes are left to the pump. Guarded by lock.
     */
    private volatile boolean pumping;
    /**
     * The chat messages handed to this receipts session (protocol 2.2) and not confirmed yet; null
     * when this is not a receipts session. Guarded by lock.
     */
    private Unconfirmed unconfirmed;
    /** Whether this is a receipts session; written under lock, read by delivering threads first. */
    private volatile boolean receipts;
    /** Whether messages were stored for this receipts session's user while it lived. Guarded by lock. */
    private boolean storedMeanwhile;

    /**
     * What a session leaves behind when it ends.
     *
     * @param confirmed        confirmed while Redis was away: their copies are still there
     * @param storedConfirmed  confirmed lately, when messages were stored for this user during the
     *                         session: a stored copy of one of them must be deleted, not delivered
     *                         at the next login
     */
    record Ended(int mailbox, String device, String tokenHash, boolean receipts, List<Unconfirmed.Message> unconfirmed,
                 List<Long> confirmed, List<Long> storedConfirmed) {
    }

    UserSession(Outbound outbound, ChatService service, RateLimiter rateLimiter) {
        this.outbound = outbound;
        this.service = service;
        this.rateLimiter = rateLimiter;
    }

    @Override
    public boolean onFrame(byte[] buffer, int offset, int length, boolean nulTerminated) {
        if (dialect == null) {
            dialect = Dialect.ofFirstFrame(nulTerminated);
        }
        return service.dispatch(this, buffer, offset, length);
    }

    @Override
    public void onUnreadableFrame(String why) {
        send(Frames.error(0, null, Errno.BAD_REQUEST, why));
    }

    @Override
    public void onFrameTooLarge(int maxFrameBytes) {
        send(Frames.error(0, null, Errno.FRAME_TOO_LARGE,
                "frame larger than " + maxFrameBytes + " bytes, closing the connection"));
    }

    @Override
    public void onClose() {
        service.disconnected(this);
    }

    /** Counts a request against this connection's rate; false when it must be refused. */
    boolean withinRate() {
        return rateLimiter == null || rateLimiter.tryAcquire();
    }

    Dialect dialect() {
        Dialect current = dialect;
        return current == null ? Dialect.MODERN : current;
    }

    boolean loggedIn() {
        return userId != 0;
    }

    int userId() {
        return userId;
    }

    String userName() {
        return userName;
    }

    int mailbox() {
        return mailbox;
    }

    /** The device id of this session, null when it has none. */
    String device() {
        return device;
    }

    /** Sends a reply or notice, if this session's dialect carries its type. */
    void send(ObjectNode frame) {
        send(frame, OutboundFrame.Callback.NONE);
    }

    void send(ObjectNode frame, OutboundFrame.Callback callback) {
        if (carries(frame.get("msgid").intValue())) {
            outbound.send(new OutboundFrame(Json.frame(frame), callback));
        }
    }

    /**
     * Queues a frame for {@code recipientId} if this session is still that user's. Returns
     * false when it is not, or when the queue refused the frame: the caller must then find the
     * message another way home. A type the dialect does not carry is dropped, and counts as done.
     */
    boolean deliver(int recipientId, MessageType type, OutboundFrame frame) {
        lock.lock();
        try {
            if (userId != recipientId || (pumping && isChat(type))) {
                return false; // chat during a backlog pump goes to the store, behind the backlog
            }
            return !carries(type.code()) || outbound.send(frame);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Like {@link #deliver}, for a chat message: a receipts session also remembers it until it
     * is confirmed. A receipts client that has let {@link Unconfirmed#MAX_MESSAGES} pile up is
     * treated like one that stopped reading: its connection is closed, and the message is
     * refused (the caller stores it).
     */
    boolean deliverChat(int recipientId, long mid, MessageType type, OutboundFrame frame) {
        lock.lock();
        try {
            if (userId != recipientId || pumping) {
                return false; // chat during a backlog pump goes to the store, behind the backlog
            }
            if (unconfirmed != null && unconfirmed.contains(mid)) {
                return true; // handed over already (from its kept copy, after a Redis outage)
            }
            if (unconfirmed != null && unconfirmed.size() >= Unconfirmed.MAX_MESSAGES) {
                outbound.close();
                return false;
            }
            if (carries(type.code()) && !outbound.send(frame)) {
                return false;
            }
            if (unconfirmed != null) {
                unconfirmed.add(mid, frame.bytes(), 0);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether this is a receipts session (protocol 2.2). */
    boolean receipts() {
        return receipts;
    }

    /** Runs {@code work} with deliveries to this session held off. */
    <T> T exclusive(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Makes this the session of a user. Only inside {@link #exclusive}. */
    void attach(int id, String name, boolean withReceipts, String deviceId, int mailboxId) {
        assert lock.isHeldByCurrentThread();
        userName = name;
        device = deviceId;
        mailbox = mailboxId;
        userId = id;
        receipts = withReceipts;
        unconfirmed = withReceipts ? new Unconfirmed() : null;
        storedMeanwhile = false;
    }

    /**
     * Makes this session nobody's: once this returns, no delivery reaches it. Returns the hash of
     * its resume token, if it had one, and the messages it was handed and that were not
     * confirmed (none unless a receipts session): the caller puts them back in the offline store.
     */
    Ended detach() {
        lock.lock();
        try {
            int endedMailbox = mailbox;
            String endedDevice = device;
            clearIdentity();
            pumping = false;
            String hash = tokenHash;
            tokenHash = null;
            boolean hadReceipts = receipts;
            List<Long> confirmedNotErased = unconfirmed == null ? List.of() : unconfirmed.takeNotErased();
            List<Long> storedConfirmed = unconfirmed != null && storedMeanwhile ? unconfirmed.recentlyConfirmed() : List.of();
            return new Ended(endedMailbox, endedDevice, hash, hadReceipts, endReceipts(), confirmedNotErased, storedConfirmed);
        } finally {
            lock.unlock();
        }
    }

    /** Only under lock: this session is nobody's. */
    private void clearIdentity() {
        userId = 0;
        userName = null;
        mailbox = 0;
        device = null;
    }

    /** Only under lock: the unconfirmed messages, and this session is no longer a receipts session. */
    private List<Unconfirmed.Message> endReceipts() {
        List<Unconfirmed.Message> left = unconfirmed == null ? List.of() : unconfirmed.drain();
        unconfirmed = null;
        receipts = false;
        return left;
    }

    /**
     * The client confirmed these messages (RECEIPT). Returns what they were: the offline rows
     * to delete and the copies to drop. They stay remembered until {@link #forgetConfirmed}, so
     * that a push meanwhile does not send a row again that is about to be deleted.
     */
    Unconfirmed.Confirmed confirmed(long[] mids) {
        lock.lock();
        try {
            return unconfirmed == null ? new Unconfirmed.Confirmed(List.of(), List.of()) : unconfirmed.peek(mids);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The confirmed messages are deleted from the offline store: forget them. Those whose copies
     * the cluster could not drop ({@code erased} false) are remembered until a later receipt drops them.
     */
    void forgetConfirmed(List<Long> mids, boolean erased) {
        lock.lock();
        try {
            if (unconfirmed != null) {
                unconfirmed.confirmed(mids);
                if (!erased) {
                    unconfirmed.notErased(mids);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Confirmed mids whose copies are still to be dropped (see {@link #forgetConfirmed}); forgets them. */
    List<Long> takeNotErased() {
        lock.lock();
        try {
            return unconfirmed == null ? List.of() : unconfirmed.takeNotErased();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the kept copies of messages this receipts session has neither had nor confirmed
     * (published while Redis was away, see {@link io.loomchat.cluster.Cluster.Listener#missed}).
     * Returns how many were sent.
     */
    int handOverMissed(int recipientMailbox, List<Inbox.Copy> copies) {
        lock.lock();
        try {
            if (mailbox != recipientMailbox || unconfirmed == null || pumping) {
                return 0;
            }
            int sent = 0;
            for (Inbox.Copy copy : copies) {
                if (unconfirmed.contains(copy.mid()) || unconfirmed.isConfirmedButNotErased(copy.mid())) {
                    continue;
                }
                if (outbound.send(OutboundFrame.of(copy.frame()))) {
                    unconfirmed.add(copy.mid(), copy.frame(), 0);
                    sent++;
                }
            }
            return sent;
        } finally {
            lock.unlock();
        }
    }

    /** Remembers the resume token of this login. Only inside {@link #exclusive}. */
    void token(String hash) {
        assert lock.isHeldByCurrentThread();
        tokenHash = hash;
    }

    /** Live deliveries go to the store until {@link #stopPumping}. Only inside {@link #exclusive}. */
    void startPumping() {
        assert lock.isHeldByCurrentThread();
        pumping = true;
    }

    /** Only inside {@link #exclusive}, right after the read that found the store empty. */
    void stopPumping() {
        assert lock.isHeldByCurrentThread();
        pumping = false;
    }

    /**
     * Waits until every offline row handed to this session has been deleted or given back, so
     * that a next login (here or on another server) cannot fetch a row a second time. Gives up
     * after {@code timeout}: the rows then may come again, which beats hanging a logout.
     */
    void awaitSettled(Duration timeout) {
        rowsInFlight.awaitSettled(timeout);
    }

    /** Makes this session nobody's if its mailbox is still {@code id}; null when it was not. */
    Ended detachIf(int mailboxId) {
        lock.lock();
        try {
            if (mailbox != mailboxId || userId == 0) {
                return null;
            }
            String endedDevice = device;
            clearIdentity();
            boolean hadReceipts = receipts;
            return new Ended(mailboxId, endedDevice, null, hadReceipts, endReceipts(), List.of(), List.of());
        } finally {
            lock.unlock();
        }
    }

    ChatMetrics metrics() {
        return service.metrics();
    }

    String clientAddress() {
        return outbound.clientAddress();
    }

    /** Closes the connection after what is queued has been written. */
    void close() {
        outbound.close();
    }

    /**
     * Records offline rows about to be sent and returns the callback of the frame carrying them.
     * Without receipts a row is deleted once written ({@link DeleteWhenWritten}); in a receipts
     * session it stays stored until the client confirms it. Only inside {@link #exclusive}.
     */
    OutboundFrame.Callback handOver(OfflineMessageDao store, List<OfflineMessage> rows) {
        assert lock.isHeldByCurrentThread();
        if (rows.isEmpty()) {
            return OutboundFrame.Callback.NONE;
        }
        if (unconfirmed != null) {
            for (OfflineMessage row : rows) {
                unconfirmed.add(row.mid(), null, row.id()); // the row is the copy until confirmed
            }
            return OutboundFrame.Callback.NONE;
        }
        List<Long> rowIds = rows.stream().map(OfflineMessage::id).toList();
        rowsInFlight.add(rowIds);
        return new DeleteWhenWritten(store, this, mailbox, rowIds);
    }

    /** Gives back a row that {@link #handOver} recorded but that could not be queued. Only inside {@link #exclusive}. */
    void notHandedOver(OfflineMessage row) {
        assert lock.isHeldByCurrentThread();
        if (unconfirmed != null) {
            unconfirmed.forget(List.of(row.mid()));
        } else {
            settled(List.of(row.id()));
        }
    }

    /**
     * The rows are settled: deleted from the store (they can never be fetched again), or given
     * back undelivered (they stay stored for the next login).
     */
    void settled(List<Long> rowIds) {
        rowsInFlight.settled(rowIds);
    }

    /**
     * Whether an offline row is with this session already: handed over and not deleted yet, or
     * (receipts) not confirmed yet. Only inside {@link #exclusive}.
     */
    boolean isHandedOver(OfflineMessage row) {
        assert lock.isHeldByCurrentThread();
        return unconfirmed != null ? unconfirmed.contains(row.mid()) : rowsInFlight.contains(row.id());
    }

    /** Queues a frame, if this session still takes the messages of {@code recipientMailbox}. Only inside {@link #exclusive}. */
    boolean sendAs(int recipientMailbox, OutboundFrame frame) {
        assert lock.isHeldByCurrentThread();
        return mailbox == recipientMailbox && outbound.send(frame);
    }

    /** How often a push reads the store again when rows were settled during its read. */
    private static final int PUSH_READS = 5;

    /**
     * Sends the stored messages of this session's mailbox that it has not been handed yet. For a
     * sender that stored a message offline just as the recipient logged in: the login ack may
     * have been built before the row existed, and without this the message would wait for the
     * next login. Does nothing unless the session is logged in (a login still building its ack
     * will fetch the row itself) and no backlog pump runs (the pump sends the row itself).
     *
     * <p>The store is read without the session's lock, so that deliveries to this session never
     * wait for the database; a read during which handed-over rows were settled may hold a row
     * deleted meanwhile, and is made again (see {@link RowsInFlight}).
     */
    void pushStored(OfflineMessageDao store) {
        for (int read = 0; read < PUSH_READS; read++) {
            int box = mailbox;
            if (box == 0 || pumping) {
                return;
            }
            long startedAt = rowsInFlight.readStarts();
            List<OfflineMessage> rows = store.pendingFor(box);
            if (rows.isEmpty() || sendStored(store, box, rows, startedAt)) {
                return;
            }
        }
        LOG.info("{}: stored messages could not be pushed (rows kept changing); they come with the next login", this);
    }

    /** Sends what a read found; false when the read must be made again. */
    private boolean sendStored(OfflineMessageDao store, int box, List<OfflineMessage> rows, long startedAt) {
        List<Long> confirmedAlready = new ArrayList<>(0);
        lock.lock();
        try {
            if (mailbox != box || pumping) {
                return true; // logged out meanwhile, or a pump runs and sends them
            }
            List<OfflineMessage> fresh = unconfirmed != null ? rows : rowsInFlight.notHandedOver(rows, startedAt);
            if (fresh == null) {
                return false;
            }
            for (OfflineMessage message : fresh) {
                if (unconfirmed != null) {
                    if (unconfirmed.contains(message.mid())) {
                        continue;
                    }
                    storedMeanwhile = true;
                    if (unconfirmed.wasConfirmed(message.mid())) {
                        confirmedAlready.add(message.id()); // delivered live and confirmed: a second copy
                        continue;
                    }
                }
                byte[] frame = (message.json() + "\n").getBytes(StandardCharsets.UTF_8);
                if (!outbound.send(new OutboundFrame(frame, handOver(store, List.of(message))))) {
                    notHandedOver(message);
                }
            }
        } finally {
            lock.unlock();
        }
        if (!confirmedAlready.isEmpty()) {
            store.delete(box, confirmedAlready);
        }
        return true;
    }

    private static boolean isChat(MessageType type) {
        return type == MessageType.ONE_CHAT || type == MessageType.GROUP_CHAT;
    }

    private boolean carries(int msgid) {
        if (dialect() == Dialect.MODERN) {
            return true;
        }
        return msgid == MessageType.LOGIN_ACK.code() || msgid == MessageType.REGISTER_ACK.code()
                || msgid == MessageType.ONE_CHAT.code() || msgid == MessageType.GROUP_CHAT.code();
    }

    @Override
    public String toString() {
        int id = userId;
        return id == 0 ? outbound.peer() : outbound.peer() + " (user " + id + ")";
    }
}
