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
 * Group commit for the history: every chat message is in the history before its sender's ACK
 * (on a database server; see below for the embedded file), and one INSERT and commit per message would cost the database a log flush per message. So
 * senders (each on its connection's virtual thread) put their row in the open batch and park;
 * a writer thread takes the whole batch, writes it with one batched INSERT in one transaction,
 * and wakes everyone in it with the outcome. While a batch commits the next one fills, so the
 * busier the server, the more rows share a commit, and an idle server adds no waiting at all.
 *
 * <p>Nothing is queued without a sender parked on it, so the queue is bounded by the
 * connections being served; a database that hangs fails a batch after the DAO's statement
 * timeout.
 *
 * <p><b>Commits that are not durable.</b> The embedded history file is written to disk every
 * 200 ms, not at each commit ({@link HistoryDao#durableCommits}), so a sender that waited for its
 * commit would be no safer from a kill -9 of the server, only slower: parking and waking every
 * sender cost the single server a fifth of its CPU per message. There senders go on at once
 * while at most {@link #MAX_UNAWAITED_ROWS} rows wait (beyond that they wait, as above), and
 * readers of the history call {@link #awaitWritten} first, so that HISTORY and CONVERSATIONS
 * still show every message acknowledged before them.
 *
 * <p><b>The database away.</b> Chat between live users needs no database, and goes on while it is
 * away (ClusterDatabaseOutageEndToEndTest): a batch that fails is kept here, <em>behind</em>, and
 * its senders go on; while rows are behind, new rows join them without waiting, and one writer
 * tries them again every {@link #RETRY_PAUSE} until the database takes them. The history then
 * lags the chat by the outage, and a server that dies during it takes the rows behind with it
 * (two faults at once); at most {@link #MAX_BEHIND} rows wait, the oldest dropped beyond that.
 */
final class HistoryWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryWriter.class);

    /** Rows in one transaction at most: big enough to amortise a commit, small enough to keep it short. */
    static final int MAX_BATCH_ROWS = 1_000;
    /**
     * Writers committing at once, for a database server: one. Its senders wait for their commit,
     * so while one batch commits the next fills, and a single writer makes the batches as large
     * as the load allows: fewer commits, fewer round trips, 7% more one-to-one throughput on two
     * servers than with two writers overlapping their commits (loadtest/results/2026-12-06-devices-history.md,
     * fourth sitting).
     */
    static final int DATABASE_SERVER_WRITERS = 1;
    /**
     * For the embedded history file, whose senders do not wait: two, so that inserting into H2's
     * copy-on-write B-trees keeps up with a single server's chat.
     */
    static final int EMBEDDED_WRITERS = 2;
    private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(15);
    /** How long the retries of rows behind wait after a failure. */
    static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    /** Rows kept while the database is away: about 60 MB of typical messages. */
    static final int MAX_BEHIND = 200_000;
    /** Rows queued without their senders waiting, when commits are not durable: a few batches. */
    static final int MAX_UNAWAITED_ROWS = 5 * MAX_BATCH_ROWS;

    /** Rows written together; senders wait on {@link #done}. */
    private static final class Batch {
        final List<HistoryDao.Entry> entries = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
    }

    private final HistoryDao dao;
    /** Whether a sender waits for its row's commit (see the class comment). */
    private final boolean sendersWait;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a batch is queued, or on close. */
    private final Condition batchQueued = lock.newCondition();
    /** Batches no writer has taken yet, oldest first; only the last one takes more rows. Guarded by lock. */
    private final ArrayDeque<Batch> queued = new ArrayDeque<>();
    /** Rows in {@link #queued}. Guarded by lock. */
    private int queuedRows;
    /** Batches queued or being committed, oldest first: what {@link #awaitWritten} waits for. Guarded by lock. */
    private final ArrayDeque<Batch> unfinished = new ArrayDeque<>();
    /** Rows of failed batches, and those that came while any were left, oldest first. Guarded by lock. */
    private final ArrayDeque<HistoryDao.Entry> behind = new ArrayDeque<>();
    /** Whether a writer is trying the rows behind again (one at a time). Guarded by lock. */
    private boolean retrying;
    /** Rows dropped because too many were behind. Guarded by lock. */
    private long dropped;
    /** Guarded by lock. */
    private boolean closing;
    private final List<Thread> writers = new ArrayList<>();
    private final LongAdder commits = new LongAdder();
    private final LongAdder rowsWritten = new LongAdder();

    HistoryWriter(HistoryDao dao, int writerThreads) {
        this.dao = dao;
        this.sendersWait = dao.durableCommits();
        for (int i = 1; i <= writerThreads; i++) {
            writers.add(Thread.ofPlatform().daemon().name("loomchat-history-writer-" + i).start(this::run));
        }
    }

    static int writersFor(HistoryDao dao) {
        return dao.durableCommits() ? DATABASE_SERVER_WRITERS : EMBEDDED_WRITERS;
    }

    /**
     * Writes one row and returns once it is committed; or, while the database is away, once it
     * is kept to be written when it is back; or, when commits are not durable, once it is queued.
     */
    void write(HistoryDao.Entry entry) {
        Batch batch;
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("the history writer is closed");
            }
            if (!behind.isEmpty()) {
                keepBehind(List.of(entry));
                return;
            }
            batch = queued.peekLast();
            if (batch == null || batch.entries.size() >= MAX_BATCH_ROWS) {
                batch = new Batch();
                queued.addLast(batch);
                unfinished.addLast(batch);
            }
            batch.entries.add(entry);
            queuedRows++;
            batchQueued.signal();
            if (!sendersWait && queuedRows <= MAX_UNAWAITED_ROWS) {
                return;
            }
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
    }

    /** The writer loop: one batch at a time, until closed and everything queued is written. */
    private void run() {
        while (true) {
            Batch batch = null;
            List<HistoryDao.Entry> retry = null;
            lock.lock();
            try {
                while (queued.isEmpty() && (behind.isEmpty() || retrying) && !closing) {
                    batchQueued.awaitUninterruptibly();
                }
                batch = queued.pollFirst();
                if (batch != null) {
                    queuedRows -= batch.entries.size();
                }
                if (batch == null && !behind.isEmpty() && !retrying) {
                    retrying = true;
                    retry = new ArrayList<>(behind.stream().limit(MAX_BATCH_ROWS).toList());
                }
            } finally {
                lock.unlock();
            }
            if (batch != null) {
                commit(batch);
            } else if (retry != null) {
                if (!writeBehind(retry) && closingNow()) {
                    return;
                }
            } else {
                return; // closing, and nothing left
            }
        }
    }

    private void commit(Batch batch) {
        try {
            dao.append(batch.entries);
            commits.increment();
            rowsWritten.add(batch.entries.size());
        } catch (RuntimeException e) {
            LOG.warn("{} messages could not be written to the history; they are kept and written when the database "
                    + "answers again: {}", batch.entries.size(), e.getMessage());
            lock.lock();
            try {
                keepBehind(batch.entries);
            } finally {
                lock.unlock();
            }
        } finally {
            lock.lock();
            try {
                unfinished.remove(batch);
            } finally {
                lock.unlock();
            }
            batch.done.countDown();
        }
    }

    /**
     * Returns once every row written before this call is committed, or kept behind while the
     * database is away. Immediate when senders wait for their commits themselves.
     */
    void awaitWritten() {
        if (sendersWait) {
            return;
        }
        List<Batch> pending;
        lock.lock();
        try {
            pending = List.copyOf(unfinished);
        } finally {
            lock.unlock();
        }
        pending.forEach(HistoryWriter::awaitCommitted);
    }

    /** Under lock: keeps rows for a later try, dropping the oldest beyond {@link #MAX_BEHIND}. */
    private void keepBehind(List<HistoryDao.Entry> entries) {
        behind.addAll(entries);
        while (behind.size() > MAX_BEHIND && !retrying) { // a retry in flight owns the oldest rows
            behind.pollFirst();
            if (dropped++ % 10_000 == 0) {
                LOG.error("the database has been away long: {} messages are missing from the history", dropped);
            }
        }
        batchQueued.signal();
    }

    /** Tries the oldest rows behind again; false (after a pause) when the database still refuses them. */
    private boolean writeBehind(List<HistoryDao.Entry> retry) {
        boolean written = false;
        try {
            dao.append(retry);
            commits.increment();
            rowsWritten.add(retry.size());
            written = true;
        } catch (RuntimeException e) {
            LOG.debug("the history's {} rows behind still cannot be written: {}", retry.size(), e.getMessage());
        }
        lock.lock();
        try {
            if (written) {
                for (int i = 0; i < retry.size() && !behind.isEmpty(); i++) {
                    behind.pollFirst(); // only this writer removes rows, and they are the oldest
                }
                if (behind.isEmpty()) {
                    LOG.info("the history has caught up with the chat after the database came back");
                }
            } else if (!closing) {
                batchQueued.awaitNanos(RETRY_PAUSE.toNanos());
            }
            retrying = false;
            batchQueued.signal();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            retrying = false;
        } finally {
            lock.unlock();
        }
        return written;
    }

    private boolean closingNow() {
        lock.lock();
        try {
            if (closing && !behind.isEmpty()) {
                LOG.error("closing with {} messages not written to the history: the database is away", behind.size());
            }
            return closing;
        } finally {
            lock.unlock();
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
