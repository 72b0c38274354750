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
 * 10: "send the receipt again").
 *
 * <p>PONGs carry nothing, so they are paired with PINGs by number: the n-th PONG read on a
 * connection answers the n-th PING written there ({@link LoadConnection#sendPing}). Pairing them
 * by a queue of this class's own PINGs went wrong whenever another PING was on the wire too (a
 * heartbeat sent before the session's receipts began, or between a RECEIPT and its PING): a
 * PONG then proved a RECEIPT the server had not answered yet, or had refused.
 */
public final class ConfirmationProofs {

    private static final long[] NONE = {};
    private static final String PING = "{\"msgid\":12}";

    /** The PING that follows RECEIPTs, their mids, and whether one of them was refused. */
    private static final class Pending {
        final long ordinal;
        final long[] mids;
        boolean refused;

        Pending(long ordinal, long[] mids) {
            this.ordinal = ordinal;
            this.mids = mids;
        }
    }

    /** What a PONG answered: the mids it proves confirmed, or those of a refused RECEIPT, to send again. */
    public record Pong(long[] proven, long[] refused) {
    }

    private static final Pong NOTHING = new Pong(NONE, NONE);

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: PINGs after RECEIPTs not answered yet, by ordinal. */
    private final ArrayDeque<Pending> unanswered = new ArrayDeque<>();

    /**
     * Sends the RECEIPT frames for {@code mids}, then a PING that proves them, with nothing of
     * this session's in between (one lock across both).
     */
    void sendProved(LoadConnection connection, List<String> receipts, long[] mids) throws IOException {
        lock.lock();
        try {
            for (String receipt : receipts) {
                connection.send(receipt);
            }
            unanswered.addLast(new Pending(connection.sendPing(PING), mids));
        } finally {
            lock.unlock();
        }
    }

    /**
     * An error ACK for a RECEIPT, read after {@code pongsRead} PONGs: the RECEIPT is the one
     * before the oldest PING not answered yet (errors and PONGs come back in the order sent).
     */
    public void receiptRefused(long pongsRead) {
        lock.lock();
        try {
            for (Pending pending : unanswered) {
                if (pending.ordinal > pongsRead) {
                    pending.refused = true;
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The PONG numbered {@code ordinal}: the mids it proves confirmed, or refused (to send again), or nothing. */
    public Pong ponged(long ordinal) {
        lock.lock();
        try {
            while (!unanswered.isEmpty() && unanswered.peekFirst().ordinal < ordinal) {
                unanswered.pollFirst(); // answered by PONGs this connection lost track of: prove nothing
            }
            Pending answered = unanswered.peekFirst();
            if (answered == null || answered.ordinal != ordinal) {
                return NOTHING; // a heartbeat's
            }
            unanswered.pollFirst();
            return answered.refused ? new Pong(NONE, answered.mids) : new Pong(answered.mids, NONE);
        } finally {
            lock.unlock();
        }
    }
}
