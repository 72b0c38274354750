package io.loomchat.service;

import io.loomchat.store.HistoryDao;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the history: every chat message is in the history before its sender's ACK,
 * and one INSERT and commit per message would cost the database a log flush per message. So
 * senders (each on its connection's virtual thread) put their row in the open batch and park;
 * a writer thread takes the whole batch, writes it with one batched INSERT in one transaction,
 * and wakes everyone in it with the outcome. While a batch commits the next one fills, so the
 * busier the server, the more rows share a commit, and an idle server adds no waiting at all.
 *
 * <p>Nothing is queued without a sender parked on it, so the queue is bounded by the
 * connections being served; a database that hangs fails each batch after the DAO's statement
 * timeout, and its senders get errno 10.
 */
final class HistoryWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryWriter.class);

    /** Rows in one transaction at most: big enough to amortise a commit, small enough to keep it short. */
    static final int MAX_BATCH_ROWS = 1_000;
    /**
     * Writers committing at once: with two, one batch is in the database while the other is sent,
     * so the log flush of one overlaps the network round trip of the next.
     */
    static final int DEFAULT_WRITER_THREADS = 2;
    private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(15);

    /** Rows written together; senders wait on {@link #done}, and read {@link #failure} after it. */
    private static final class Batch {
        final List<HistoryDao.Entry> entries = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        /** Null when committed; written before {@code done} opens, read after. */
        RuntimeException failure;
    }

    private final HistoryDao dao;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a batch is queued, or on close. */
    private final Condition batchQueued = lock.newCondition();
    /** Batches no writer has taken yet, oldest first; only the last one takes more rows. Guarded by lock. */
    private final ArrayDeque<Batch> queued = new ArrayDeque<>();
    /** Guarded by lock. */
    private boolean closing;
    private final List<Thread> writers = new ArrayList<>();
    private final LongAdder commits = new LongAdder();
    private final LongAdder rowsWritten = new LongAdder();

    HistoryWriter(HistoryDao dao, int writerThreads) {
        this.dao = dao;
        for (int i = 1; i <= writerThreads; i++) {
            writers.add(Thread.ofPlatform().daemon().name("loomchat-history-writer-" + i).start(this::run));
        }
    }

    /**
     * Writes one row and returns once it is committed.
     *
     * @throws io.loomchat.store.StoreException when its batch could not be written (errno 10)
     */
    void write(HistoryDao.Entry entry) {
        Batch batch;
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("the history writer is closed");
            }
            batch = queued.peekLast();
            if (batch == null || batch.entries.size() >= MAX_BATCH_ROWS) {
                batch = new Batch();
                queued.addLast(batch);
            }
            batch.entries.add(entry);
            batchQueued.signal();
        } finally {
            lock.unlock();
        }
        awaitCommitted(batch);
    }

    /**
     * Waits for the batch's outcome even when interrupted: giving up would leave the sender not
     * knowing whether its message is in the history, and the DAO's timeout bounds the wait.
     */
    private static void awaitCommitted(Batch batch) {
        boolean interrupted = false;
        while (true) {
            try {
                batch.done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (batch.failure != null) {
            throw batch.failure;
        }
    }

    /** The writer loop: one batch at a time, until closed and everything queued is written. */
    private void run() {
        while (true) {
            Batch batch;
            lock.lock();
            try {
                while (queued.isEmpty() && !closing) {
                    batchQueued.awaitUninterruptibly();
                }
                batch = queued.pollFirst();
            } finally {
                lock.unlock();
            }
            if (batch == null) {
                return; // closing, and nothing left
            }
            commit(batch);
        }
    }

    private void commit(Batch batch) {
        try {
            dao.append(batch.entries);
            commits.increment();
            rowsWritten.add(batch.entries.size());
        } catch (RuntimeException e) {
            LOG.warn("{} messages could not be written to the history; their senders get errno 10: {}",
                    batch.entries.size(), e.getMessage());
            batch.failure = e;
        } finally {
            batch.done.countDown();
        }
    }

    /** Transactions committed so far. */
    long commits() {
        return commits.sum();
    }

    /** Rows committed so far. */
    long rowsWritten() {
        return rowsWritten.sum();
    }

    /** Writes what is queued, then stops the writers; later writes fail. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            batchQueued.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread writer : writers) {
            try {
                if (!writer.join(CLOSE_PATIENCE)) {
                    LOG.warn("{} did not finish within {} s", writer.getName(), CLOSE_PATIENCE.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
