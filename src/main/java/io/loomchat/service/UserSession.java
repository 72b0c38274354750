package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Dialect;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import io.loomchat.server.ConnectionListener;
import io.loomchat.server.Outbound;
import io.loomchat.server.OutboundFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The business state of one connection: its dialect and the user logged in on it.
 *
 * <p>The {@code on*} methods and the handlers run on the connection's reader thread. Other
 * users' threads call {@link #deliver}; the lock orders those deliveries against login and
 * logout, so that a message accepted for this user is queued before the logout ACK (and
 * flushed) or refused and stored offline, never queued to a session that no longer is the
 * user's, and never overtakes the login ack. The lock is never held across I/O.
 */
final class UserSession implements ConnectionListener {

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
    /** Frames for the user that arrived while the login ack was prepared; null otherwise. Guarded by lock. */
    private List<OutboundFrame> heldBack;

    UserSession(Outbound outbound, ChatService service, RateLimiter rateLimiter) {
        this.outbound = outbound;
        this.service = service;
        this.rateLimiter = rateLimiter;
    }

    @Override
    public void onFrame(byte[] buffer, int offset, int length, boolean nulTerminated) {
        if (dialect == null) {
            dialect = Dialect.ofFirstFrame(nulTerminated);
        }
        service.dispatch(this, buffer, offset, length);
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
     * While the login ack is being prepared, frames are held back and follow the ack.
     */
    boolean deliver(int recipientId, MessageType type, OutboundFrame frame) {
        lock.lock();
        try {
            if (userId != recipientId) {
                return false;
            }
            if (!carries(type.code())) {
                return true;
            }
            if (heldBack != null) {
                heldBack.add(frame);
                return true;
            }
            return outbound.send(frame);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes this the session of a user whose login ack is still being prepared: deliveries are
     * accepted from now on but held back, so that none overtakes the ack. No lock is held while
     * the ack is prepared (that takes database round trips).
     */
    void beginLogin(int id, String name) {
        lock.lock();
        try {
            userName = name;
            userId = id;
            heldBack = new ArrayList<>();
        } finally {
            lock.unlock();
        }
    }

    /** Sends the login ack, then whatever was held back while it was prepared, in order. */
    void completeLogin(ObjectNode ack, OutboundFrame.Callback callback) {
        List<OutboundFrame> refused = new ArrayList<>();
        lock.lock();
        try {
            send(ack, callback);
            for (OutboundFrame frame : heldBack) {
                if (!outbound.send(frame)) {
                    refused.add(frame);
                }
            }
            heldBack = null;
        } finally {
            lock.unlock();
        }
        refused.forEach(frame -> frame.callback().undelivered());
    }

    /**
     * Makes this session nobody's: once this returns no delivery reaches it. Frames held back
     * for a login that failed before its ack go back to their senders' fallback.
     */
    void endSession() {
        List<OutboundFrame> held;
        lock.lock();
        try {
            held = heldBack == null ? List.of() : heldBack;
            heldBack = null;
            userId = 0;
            userName = null;
        } finally {
            lock.unlock();
        }
        held.forEach(frame -> frame.callback().undelivered());
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
