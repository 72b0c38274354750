package io.loomchat.loadtest.receipts;

import io.loomchat.loadtest.wire.LoadConnection;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Proves which of a receipts session's RECEIPTs the server handled, so that a confirmed message
 * delivered again can be told from an unconfirmed one delivered again (which protocol 2.2 allows).
 * A server handles one connection's frames in order: a PONG answering a PING sent right after a
 * RECEIPT proves that the RECEIPT was handled, unless an error ACK for a RECEIPT came first (errno
 * 10: Redis or the database away, "those messages come again").
 *
 * <p>Every PING on the connection goes through here, with the mids of the RECEIPTs before it
 * (none for a heartbeat), so that PONGs, which carry nothing, pair with PINGs in order. The lock
 * is held across the write so that the queue's order is the wire's.
 */
public final class ConfirmationProofs {

    private static final long[] NONE = {};
    private static final String PING = "{\"msgid\":12}";

    /** The mids a PING follows, and whether a RECEIPT among them was refused. */
    private static final class Pending {
        final long[] mids;
        boolean refused;

        Pending(long[] mids) {
            this.mids = mids;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: PINGs sent and not answered yet, oldest first. */
    private final ArrayDeque<Pending> unanswered = new ArrayDeque<>();

    /**
     * Sends the RECEIPT frames for {@code mids}, then a PING that proves them. One lock across
     * both: a heartbeat PING written between them would be the oldest unanswered one when the
     * RECEIPT's error ACK arrives, take the refusal, and leave the RECEIPT's own PING to prove
     * mids the server refused (a write blocked by a paused server made that likely in the
     * chaos runs).
     */
    void sendProved(LoadConnection connection, List<String> receipts, long[] mids) throws IOException {
        lock.lock();
        try {
            for (String receipt : receipts) {
                connection.send(receipt);
            }
            unanswered.addLast(new Pending(mids));
            connection.sendPing(PING);
        } finally {
            lock.unlock();
        }
    }

    /** Sends a heartbeat PING (it proves nothing, but takes its place in the order). */
    public void ping(LoadConnection connection) throws IOException {
        sendProved(connection, List.of(), NONE);
    }

    /** An error ACK for a RECEIPT: one of those before the oldest unanswered PING was refused. */
    public void receiptRefused() {
        lock.lock();
        try {
            Pending oldest = unanswered.peekFirst();
            if (oldest != null) {
                oldest.refused = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** What a PONG answered: the mids it proves confirmed, or those of a refused RECEIPT, to send again. */
    public record Pong(long[] proven, long[] refused) {
    }

    private static final Pong NOTHING = new Pong(NONE, NONE);

    /** A PONG: the mids it proves confirmed (none for a heartbeat), or refused (errno 10: send them again). */
    public Pong ponged() {
        lock.lock();
        try {
            Pending answered = unanswered.pollFirst();
            if (answered == null) {
                return NOTHING;
            }
            return answered.refused ? new Pong(NONE, answered.mids) : new Pong(answered.mids, NONE);
        } finally {
            lock.unlock();
        }
    }
}
