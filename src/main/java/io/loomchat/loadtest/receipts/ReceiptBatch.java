package io.loomchat.loadtest.receipts;

import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.report.Metrics;
import io.loomchat.loadtest.wire.LoadConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mids one receipts session (protocol 2.2) got and has not confirmed yet. The user's reader
 * thread adds the mid of every chat frame, repeats included (a repeat is unconfirmed too, or it
 * would come at every login); the run's {@link ReceiptFlusher} sends them as RECEIPT frames,
 * {@value #MAX_MIDS_PER_FRAME} mids at most per frame, and {@link #seal} sends the last ones
 * before a LOGINOUT.
 *
 * <p>Mids belong to the session they arrived on and are confirmed on its connection only. What a
 * session that ended could not confirm, the server delivers again at the next login, where
 * {@link MidWindow} drops it and the new session confirms it.
 */
public final class ReceiptBatch {

    /** PROTOCOL.md: 1 to 1,000 mids per RECEIPT. */
    static final int MAX_MIDS_PER_FRAME = 1_000;
    private static final int FIRST_CAPACITY = 16;

    private final LoadConnection connection;
    private final Metrics metrics;
    /** Null unless the run proves confirmations (chaos): then every flush is followed by a PING. */
    private final ConfirmationProofs proofs;
    /**
     * Held while taking mids out or putting them in, never during I/O: the reader thread adds under
     * it and must not wait behind a socket write.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private long[] mids = new long[FIRST_CAPACITY];
    private int count;
    /** Guarded by lock: handed to the flusher and not flushed since. */
    private boolean queued;
    /** Guarded by lock: the last RECEIPT before LOGINOUT is out; nothing is sent after it. */
    private boolean sealed;
    /**
     * Held across a flush's writes, so that the RECEIPT {@link #seal} sends is the last on the
     * connection: one the flusher wrote after LOGINOUT would be refused with errno 3. Only the
     * flusher and a logging-out user ever take it, and a write holds the connection's own write
     * lock anyway.
     */
    private final ReentrantLock sending = new ReentrantLock();

    public ReceiptBatch(LoadConnection connection, Metrics metrics, ConfirmationProofs proofs) {
        this.connection = connection;
        this.metrics = metrics;
        this.proofs = proofs;
    }

    public LoadConnection connection() {
        return connection;
    }

    /** Null unless the run proves confirmations. */
    public ConfirmationProofs proofs() {
        return proofs;
    }

    /**
     * Notes a mid to confirm; true when the batch must be handed to the flusher (it was not
     * queued). Nothing is noted after {@link #seal}: the server delivers that message again.
     */
    public boolean add(long mid) {
        lock.lock();
        try {
            if (sealed) {
                return false;
            }
            if (count == mids.length) {
                mids = Arrays.copyOf(mids, count * 2);
            }
            mids[count++] = mid;
            if (queued) {
                return false;
            }
            queued = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sends the pending mids, if any. IOException: the connection is broken (its reader counts the drop). */
    void flush() throws IOException {
        send(false);
    }

    /** Sends the pending mids as the session's last RECEIPT, before LOGINOUT. */
    public void seal() throws IOException {
        send(true);
    }

    private void send(boolean last) throws IOException {
        sending.lock();
        try {
            long[] taken;
            lock.lock();
            try {
                queued = false;
                if (sealed || count == 0) {
                    sealed |= last;
                    return;
                }
                sealed = last;
                taken = Arrays.copyOf(mids, count);
                count = 0;
            } finally {
                lock.unlock();
            }
            List<String> frames = new ArrayList<>(taken.length / MAX_MIDS_PER_FRAME + 1);
            for (int from = 0; from < taken.length; from += MAX_MIDS_PER_FRAME) {
                frames.add(frame(taken, from, Math.min(taken.length, from + MAX_MIDS_PER_FRAME)));
            }
            if (proofs != null) {
                proofs.sendProved(connection, frames, taken);
                metrics.add(Count.PINGS);
            } else {
                for (String receipt : frames) {
                    connection.send(receipt);
                }
            }
            metrics.add(Count.RECEIPT_FRAMES, frames.size());
            metrics.add(Count.CONFIRMED, taken.length);
        } finally {
            sending.unlock();
        }
    }

    static String frame(long[] mids, int from, int to) {
        StringBuilder json = new StringBuilder(24 + (to - from) * 19);
        json.append("{\"msgid\":15,\"mids\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                json.append(',');
            }
            json.append(mids[i]);
        }
        return json.append("]}").toString();
    }
}
