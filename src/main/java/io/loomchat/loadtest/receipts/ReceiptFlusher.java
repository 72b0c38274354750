package io.loomchat.loadtest.receipts;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends the RECEIPTs of every receipts session of the run: one virtual thread that wakes every
 * {@link #FLUSH_INTERVAL} and flushes the batches that got a mid since (a batch queues itself at
 * its first mid, so a pass costs nothing for the sessions that got nothing). A client has to send
 * a RECEIPT at least once a second while it holds unconfirmed messages; every quarter second
 * batches a few messages per frame at the rates a user sees, and keeps what a failover delivers
 * twice small.
 *
 * <p>One thread for all users, as {@link io.loomchat.loadtest.sim.Heartbeats}, rather than a flush
 * by each reader thread after each read: the reader stays on reading (the hot path only notes
 * the mid), and a busy connection sends 4 RECEIPTs a second instead of one per read. The cost:
 * a write that blocks (a server that stopped reading) holds the others up until it goes through
 * or fails.
 */
public final class ReceiptFlusher implements AutoCloseable {

    static final Duration FLUSH_INTERVAL = Duration.ofMillis(250);

    private final ConcurrentLinkedQueue<ReceiptBatch> due = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    public ReceiptFlusher() {
        this.thread = Thread.ofVirtual().name("load-receipts").start(this::loop);
    }

    /** {@code batch} got its first mid since its last flush. */
    public void due(ReceiptBatch batch) {
        due.add(batch);
    }

    private void loop() {
        try {
            while (running) {
                TimeUnit.MILLISECONDS.sleep(FLUSH_INTERVAL.toMillis());
                flushDue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void flushDue() {
        // Only what was due when the pass began: a batch queued again meanwhile waits for the next.
        for (int n = due.size(); n > 0; n--) {
            ReceiptBatch batch = due.poll();
            if (batch == null) {
                return;
            }
            try {
                batch.flush();
            } catch (IOException e) {
                // The connection is gone: its reader counts the drop (or the run closed it), and
                // the server delivers these messages again at the next login, where the mid
                // window drops them and they are counted as duplicates dropped.
            }
        }
    }

    /** Stops within one pass; never interrupts (interrupting a virtual thread in a socket write closes the socket). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
