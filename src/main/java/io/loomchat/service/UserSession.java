package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
    void attach(int id, String name) {
        assert lock.isHeldByCurrentThread();
        userName = name;
        userId = id;
    }

    /**
     * Makes this session nobody's: once this returns, no delivery reaches it. Returns the hash of
     * its resume token, if it had one.
     */
    String detach() {
        lock.lock();
        try {
            userId = 0;
            userName = null;
            pumping = false;
            String hash = tokenHash;
            tokenHash = null;
            return hash;
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

    /** Makes this session nobody's if it is still {@code id}'s; false when it was not. */
    boolean detachIf(int id) {
        lock.lock();
        try {
            if (userId != id) {
                return false;
            }
            userId = 0;
            userName = null;
            return true;
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

    /** Records offline rows sent in the login ack. Only inside {@link #exclusive}. */
    void handedOver(List<Long> rowIds) {
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

    /** Whether an offline row is handed to this session and not settled yet. Only inside {@link #exclusive}. */
    boolean isHandedOver(long rowId) {
        assert lock.isHeldByCurrentThread();
        return handedOver != null && handedOver.contains(rowId);
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
            for (OfflineMessage message : store.pendingFor(recipientId)) {
                if (handedOver != null && handedOver.contains(message.id())) {
                    continue;
                }
                List<Long> row = List.of(message.id());
                byte[] frame = (message.json() + "\n").getBytes(StandardCharsets.UTF_8);
                if (outbound.send(new OutboundFrame(frame, new DeleteWhenWritten(store, this, recipientId, row)))) {
                    handedOver(row);
                }
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
