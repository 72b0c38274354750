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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's session: its dialect, who is logged in on it, and the delivery of frames to
 * it. What it was handed from the offline store is {@link StoredRows}; what a receipts session
 * has not confirmed is {@link Unconfirmed}; how a session starts and ends is {@link SessionLife}.
 *
 * <p>The {@code on*} methods run on the connection's reader thread, and the handlers on it or
 * on a worker it waits for (see {@link HandlerTable.Route}), so requests never overlap. Other
 * users' threads call {@link #deliver}; the lock orders those deliveries against login and
 * logout, so that a message accepted for this user is queued before the logout ACK (and
 * flushed) or refused and stored offline, never queued to a session that no longer is the
 * user's, and never overtakes the login ack ({@link Backlog} holds deliveries while it is built).
 * The lock is never held across I/O.
 */
final class UserSession implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(UserSession.class);

    private final Outbound outbound;
    private final ChatService service;
    private final ReentrantLock lock = new ReentrantLock();
    /** Null when unlimited. Used by the reader thread only. */
    private final RateLimiter rateLimiter;
    /** What reaches this session from the offline store, and in what order with live deliveries. */
    private final Backlog backlog = new Backlog(this, lock);
    /** Fixed by the first frame; read by delivering threads afterwards. */
    private volatile Dialect dialect;
    /** Set when the cluster took this session over ({@link #detachIf}): frames still arriving are dropped. */
    private volatile boolean evicted;
    /** The logged-in user, 0 when nobody is. Written under {@link #lock}. */
    private volatile int userId;
    private volatile String userName;
    /** Where this session's messages wait while it cannot take them (see {@link Seat}); 0 when nobody is logged in. Written under lock. */
    private volatile int mailbox;
    /** The device id of this session (protocol 2.3), null without one. Written under lock. */
    private volatile String device;
    /** The hash of the resume token this session logged in with or was given; null if none. Guarded by lock. */
    private String tokenHash;
    /** The chat messages handed to this receipts session (protocol 2.2) and not confirmed yet; null without receipts. Guarded by lock. */
    private Unconfirmed unconfirmed;
    /** Whether this is a receipts session; written under lock, read by delivering threads first. */
    private volatile boolean receipts;
    /** How often this session may say it is typing (protocol 2.3); used by its requests only, which never overlap. */
    private final TypingPace typingPace = new TypingPace();

    /**
     * What a session leaves behind when it ends.
     *
     * @param confirmed        confirmed while Redis was away: their copies are still there
     * @param storedConfirmed  confirmed lately, when messages were stored for this session during
     *                         it: a stored copy of one of them must be deleted, not delivered at
     *                         the next login
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
        if (evicted) {
            return true; // the cluster ended this session and its connection is closing: no "log in first" replies
        }
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

    /** Whether this is a receipts session (protocol 2.2). */
    boolean receipts() {
        return receipts;
    }

    /** Whether messages were stored for this receipts session's mailbox while it lived (see {@link Unconfirmed}). */
    boolean storedMeanwhile() {
        lock.lock();
        try {
            return unconfirmed != null && unconfirmed.wasStoredMeanwhile();
        } finally {
            lock.unlock();
        }
    }

    TypingPace typingPace() {
        return typingPace;
    }

    /** Sends a reply or notice, if this session's dialect carries its type. */
    void send(ObjectNode frame) {
        send(frame, OutboundFrame.Callback.NONE);
    }

    /** Sends a frame already encoded, if this session's dialect carries its type. */
    void send(MessageType type, byte[] frame) {
        if (carries(type.code())) {
            outbound.send(OutboundFrame.of(frame));
        }
    }

    /** Whether this session's dialect carries frames of this type (the legacy one has no ACK, for one). */
    boolean carries(MessageType type) {
        return carries(type.code());
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
            if (!backlog.awaitRelease(recipientId) || (backlog.pumping() && isChat(type))) {
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
            if (!backlog.awaitRelease(recipientId) || backlog.pumping()) {
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

    /**
     * Makes this the session of a user, with deliveries held until the login ack is queued
     * ({@link Backlog#releaseAfterRead} or, with a backlog pump, {@link Backlog#release}). Returns
     * the value to give {@link Backlog#releaseAfterRead}.
     */
    long attachHeld(int id, String name, boolean withReceipts, String deviceId, int mailboxId, String token) {
        lock.lock();
        try {
            userName = name;
            device = deviceId;
            mailbox = mailboxId;
            userId = id;
            tokenHash = token;
            receipts = withReceipts;
            unconfirmed = withReceipts ? new Unconfirmed() : null;
            return backlog.holdLocked();
        } finally {
            lock.unlock();
        }
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
            String hash = tokenHash;
            tokenHash = null;
            boolean hadReceipts = receipts;
            List<Long> confirmedNotErased = unconfirmed == null ? List.of() : unconfirmed.takeNotErased();
            List<Long> storedConfirmed = unconfirmed != null && unconfirmed.wasStoredMeanwhile()
                    ? unconfirmed.recentlyConfirmed() : List.of();
            clearIdentity();
            return new Ended(endedMailbox, endedDevice, hash, hadReceipts, endReceipts(), confirmedNotErased, storedConfirmed);
        } finally {
            lock.unlock();
        }
    }

    /** Makes this session nobody's if its mailbox is still {@code id}; null when it was not. */
    Ended detachIf(int mailboxId) {
        lock.lock();
        try {
            if (mailbox != mailboxId || userId == 0) {
                return null;
            }
            evicted = true;
            String endedDevice = device;
            boolean hadReceipts = receipts;
            clearIdentity();
            return new Ended(mailboxId, endedDevice, null, hadReceipts, endReceipts(), List.of(), List.of());
        } finally {
            lock.unlock();
        }
    }

    /** Only under lock: this session is nobody's, and deliveries waiting for it give up. */
    private void clearIdentity() {
        userId = 0;
        userName = null;
        mailbox = 0;
        device = null;
        backlog.endLocked();
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
            return unconfirmed == null ? Unconfirmed.Confirmed.NONE : unconfirmed.peek(mids);
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
            if (mailbox != recipientMailbox || unconfirmed == null || backlog.busy()) {
                return 0;
            }
            int sent = 0;
            for (Inbox.Copy copy : copies) {
                // The copies were read before this call: the client may have confirmed one since
                // (its copy erased after the read), and a confirmed message never comes again.
                if (unconfirmed.contains(copy.mid()) || unconfirmed.isConfirmedButNotErased(copy.mid())
                        || unconfirmed.wasConfirmed(copy.mid())) {
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

    /** The rows are settled: deleted from the store, or given back undelivered. */
    void settled(List<Long> rowIds) {
        backlog.settled(rowIds);
    }

    /**
     * Waits until every offline row handed to this session has been deleted or given back, so
     * that a next login (here or on another server) cannot fetch a row a second time. Gives up
     * after {@code timeout}: the rows then may come again, which beats hanging a logout.
     */
    void awaitSettled(Duration timeout) {
        backlog.awaitSettled(timeout);
    }

    /** The offline store's way into this session. */
    Backlog backlog() {
        return backlog;
    }

    /** Under lock (for {@link Backlog}): the unconfirmed messages of a receipts session, null otherwise. */
    Unconfirmed unconfirmedLocked() {
        assert lock.isHeldByCurrentThread();
        return unconfirmed;
    }

    /** Queues a frame as it is; false when the queue refused it (the connection is closing). */
    boolean queue(OutboundFrame frame) {
        return outbound.send(frame);
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

    private static boolean isChat(MessageType type) {
        return type == MessageType.ONE_CHAT || type == MessageType.GROUP_CHAT;
    }

    private boolean carries(int msgid) {
        if (msgid >= MessageType.READ_NOTICE.code() && msgid <= MessageType.TYPING.code()) {
            // Protocol 2.3 notices go to 2.3 sessions only, and a 2.3 client is one that names its
            // device: 2.2 clients and the legacy dialect never see them.
            return device != null;
        }
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
