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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

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

    private final Outbound outbound;
    private final ChatService service;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when handed-over rows are settled (deleted, or given back undelivered). */
    private final Condition settled = lock.newCondition();
    /** Null when unlimited. Used by the reader thread only. */
    private final RateLimiter rateLimiter;
    /** Fixed by the first frame; read by delivering threads afterwards. */
    private volatile Dialect dialect;
    /** The logged-in user, 0 when nobody is. Written under {@link #lock}. */
    private volatile int userId;
    private volatile String userName;
    /**
     * Offline rows handed to this session (in its login ack or pushed since) and not yet
     * deleted, so that a push never sends one twice. Guarded by lock; null while empty.
     */
    private Set<Long> handedOver;
    /** The hash of the resume token this session logged in with or was given; null if none. Guarded by lock. */
    private String tokenHash;
    /**
     * True while {@link BacklogPump} sends the offline backlog after the login ack. Live
     * deliveries then go to the store instead, behind the backlog, and the pump sends them in
     * order; pushes are left to the pump. Guarded by lock.
     */
    private boolean pumping;
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
    record Ended(String tokenHash, boolean receipts, List<Unconfirmed.Message> unconfirmed, List<Long> confirmed,
                 List<Long> storedConfirmed) {
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
    void attach(int id, String name, boolean withReceipts) {
        assert lock.isHeldByCurrentThread();
        userName = name;
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
            userId = 0;
            userName = null;
            pumping = false;
            String hash = tokenHash;
            tokenHash = null;
            boolean hadReceipts = receipts;
            List<Long> confirmedNotErased = unconfirmed == null ? List.of() : unconfirmed.takeNotErased();
            List<Long> storedConfirmed = unconfirmed != null && storedMeanwhile ? unconfirmed.recentlyConfirmed() : List.of();
            return new Ended(hash, hadReceipts, endReceipts(), confirmedNotErased, storedConfirmed);
        } finally {
            lock.unlock();
        }
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
    int handOverMissed(int recipientId, List<Inbox.Copy> copies) {
        lock.lock();
        try {
            if (userId != recipientId || unconfirmed == null || pumping) {
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
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (handedOver != null && left > 0) {
                left = settled.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Makes this session nobody's if it is still {@code id}'s; null when it was not. */
    Ended detachIf(int id) {
        lock.lock();
        try {
            if (userId != id) {
                return null;
            }
            userId = 0;
            userName = null;
            boolean hadReceipts = receipts;
            return new Ended(null, hadReceipts, endReceipts(), List.of(), List.of());
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
        handedOver(rowIds);
        return new DeleteWhenWritten(store, this, userId, rowIds);
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

    /** Records offline rows sent in the login ack. Only inside {@link #exclusive}. */
    private void handedOver(List<Long> rowIds) {
        assert lock.isHeldByCurrentThread();
        if (!rowIds.isEmpty()) {
            if (handedOver == null) {
                handedOver = new HashSet<>();
            }
            handedOver.addAll(rowIds);
        }
    }

    /**
     * The rows are settled: deleted from the store (they can never be fetched again), or given
     * back undelivered (they stay stored for the next login).
     */
    void settled(List<Long> rowIds) {
        lock.lock();
        try {
            if (handedOver != null) {
                rowIds.forEach(handedOver::remove);
                if (handedOver.isEmpty()) {
                    handedOver = null;
                    settled.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether an offline row is with this session already: handed over and not deleted yet, or
     * (receipts) not confirmed yet. Only inside {@link #exclusive}.
     */
    boolean isHandedOver(OfflineMessage row) {
        assert lock.isHeldByCurrentThread();
        return unconfirmed != null ? unconfirmed.contains(row.mid())
                : handedOver != null && handedOver.contains(row.id());
    }

    /** Queues a frame, if this session is still {@code recipientId}'s. Only inside {@link #exclusive}. */
    boolean sendAs(int recipientId, OutboundFrame frame) {
        assert lock.isHeldByCurrentThread();
        return userId == recipientId && outbound.send(frame);
    }

    /**
     * Sends the recipient's stored messages that this session has not been handed yet. For a
     * sender that stored a message offline just as the recipient logged in: the login ack may
     * have been built before the row existed, and without this the message would wait for the
     * next login. Does nothing unless this session is the recipient's (a login still building
     * its ack will fetch the row itself). Reads the store under the lock, as login does, so
     * that nothing for this user overtakes the pushed rows.
     */
    void pushStored(int recipientId, OfflineMessageDao store) {
        lock.lock();
        try {
            if (userId != recipientId || pumping) {
                return; // a pump running for this user sends the row itself
            }
            List<Long> confirmedAlready = new ArrayList<>(0);
            for (OfflineMessage message : store.pendingFor(recipientId)) {
                if (isHandedOver(message)) {
                    continue;
                }
                if (unconfirmed != null) {
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
            if (!confirmedAlready.isEmpty()) {
                store.delete(recipientId, confirmedAlready);
            }
        } finally {
            lock.unlock();
        }
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
