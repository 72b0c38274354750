package io.loomchat.service;

import io.loomchat.store.ConversationDao;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read marks (protocol 2.3 READ) written in batches, off the sessions' threads. A client sends READ
 * for what it shows, often one per message received; one UPDATE and commit each cost the server
 * more than the message itself (loadtest/results/2026-12-06-read-state.md). So a READ is put
 * here and the session goes on (READ has no reply); one writer thread takes every mark waiting,
 * moves them in one transaction ({@link ConversationDao#markRead(List)}), and then sends the
 * READ_NOTICEs of the marks that moved, as the handler did before. READs of one user and
 * conversation that come while a batch is written are merged into the furthest one, so a
 * conversation read message by message costs one row per batch, not one per message.
 *
 * <p>What this changes for clients: a READ_NOTICE comes after the mark is committed, at most
 * {@link #PAUSE} plus one batch later than before; CONVERSATIONS on this server sees a mark still
 * waiting here ({@link #overlay}), so a client that sends READ and then asks sees its own read.
 * A server that dies loses the marks of its last batch, at most about {@link #PAUSE} of READs
 * (the embedded history file itself is written every 200 ms). While the database is away the
 * marks wait here, merged, one per user and conversation, and are tried again every
 * {@link #RETRY_PAUSE}.
 */
final class ReadMarks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadMarks.class);

    /**
     * Between batches: READs of a conversation that come meanwhile are merged into one row and one
     * notice. 100 ms rather than 20: a busy one-to-one load then wrote a fifth of the rows and sent
     * a fifth of the notices, for 7% more throughput (loadtest/results/2026-12-06-read-state.md,
     * sitting 6), while a notice a tenth of a second late is still "at once" to a person.
     */
    static final Duration PAUSE = Duration.ofMillis(100);
    static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(15);

    /** Whose mark, in which conversation. */
    record Key(int userId, long conv) {
    }

    /**
     * The furthest READ waiting for a key, and whom to tell once it moved: {@code with} the other
     * user of a one-to-one conversation (0 for a group), {@code groupId} (0 one-to-one), and the
     * session that sent it, which knows already.
     */
    record Mark(long upto, int with, int groupId, int readerMailbox) {
    }

    /** Told of each mark that moved, after its batch committed (sends the READ_NOTICEs). */
    interface Moved {
        void moved(int reader, Mark mark);
    }

    private final ConversationDao dao;
    private final Moved moved;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a mark comes while none was waiting (the writer waits for one then only). */
    private final Condition marked = lock.newCondition();
    /** Signalled on close, which cuts a pause short. */
    private final Condition closed = lock.newCondition();
    /** Marks waiting for the next batch. Guarded by lock. */
    private Map<Key, Mark> waiting = new HashMap<>();
    /** The batch being written, for {@link #overlay}. Guarded by lock. */
    private Map<Key, Mark> writing = Map.of();
    /** Guarded by lock. */
    private boolean closing;
    private final Thread writer;

    ReadMarks(ConversationDao dao, Moved moved) {
        this.dao = dao;
        this.moved = moved;
        this.writer = Thread.ofPlatform().daemon().name("loomchat-read-marks").start(this::run);
    }

    /** A READ: user {@code reader} has read {@code conv} up to {@code mark.upto()}. Returns at once. */
    void mark(int reader, long conv, Mark mark) {
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("the read-mark writer is closed");
            }
            if (waiting.isEmpty()) {
                marked.signal();
            }
            waiting.merge(new Key(reader, conv), mark, ReadMarks::further);
        } finally {
            lock.unlock();
        }
    }

    private static Mark further(Mark one, Mark other) {
        return other.upto() > one.upto() ? other : one;
    }

    /**
     * Raises {@code marks} (conv to read mark, as the database has them for {@code userId}) to the
     * marks of that user still waiting here or being written.
     */
    void overlay(int userId, Map<Long, Long> marks) {
        lock.lock();
        try {
            for (Map<Key, Mark> batch : List.of(writing, waiting)) {
                for (Map.Entry<Key, Mark> entry : batch.entrySet()) {
                    if (entry.getKey().userId() == userId) {
                        marks.merge(entry.getKey().conv(), entry.getValue().upto(), Math::max);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Map<Key, Mark> batch;
            lock.lock();
            try {
                while (waiting.isEmpty() && !closing) {
                    marked.awaitUninterruptibly();
                }
                if (waiting.isEmpty()) {
                    return; // closing, and everything written
                }
                batch = waiting;
                waiting = new HashMap<>();
                writing = batch;
            } finally {
                lock.unlock();
            }
            boolean written = write(batch);
            lock.lock();
            try {
                writing = Map.of();
                if (!written) {
                    batch.forEach((key, mark) -> waiting.merge(key, mark, ReadMarks::further));
                    if (closing) {
                        LOG.error("closing with {} read marks not written: the database is away", waiting.size());
                        return;
                    }
                }
            } finally {
                lock.unlock();
            }
            pause(written ? PAUSE : RETRY_PAUSE);
        }
    }

    /** Writes one batch and tells of the marks that moved; false when the database refused it. */
    private boolean write(Map<Key, Mark> batch) {
        List<Map.Entry<Key, Mark>> entries = new ArrayList<>(batch.entrySet());
        entries.sort(Comparator.comparingInt((Map.Entry<Key, Mark> entry) -> entry.getKey().userId())
                .thenComparingLong(entry -> entry.getKey().conv()));
        List<ConversationDao.MarkTo> marks = new ArrayList<>(entries.size());
        for (Map.Entry<Key, Mark> entry : entries) {
            marks.add(new ConversationDao.MarkTo(entry.getKey().userId(), entry.getKey().conv(), entry.getValue().upto()));
        }
        boolean[] done;
        try {
            done = dao.markRead(marks);
        } catch (RuntimeException e) {
            LOG.warn("{} read marks could not be written; they are kept and tried again: {}", marks.size(), e.getMessage());
            return false;
        }
        for (int i = 0; i < done.length; i++) {
            if (done[i]) {
                try {
                    moved.moved(entries.get(i).getKey().userId(), entries.get(i).getValue());
                } catch (RuntimeException e) {
                    LOG.warn("a read notice could not be sent: {}", e.getMessage());
                }
            }
        }
        return true;
    }

    /** Waits between batches; a close cuts it short so that the last marks are written at once. */
    private void pause(Duration pause) {
        lock.lock();
        try {
            long nanos = pause.toNanos();
            while (nanos > 0 && !closing) {
                nanos = closed.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is waiting, then stops the writer; later READs fail. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            marked.signalAll();
            closed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (!writer.join(CLOSE_PATIENCE)) {
                LOG.warn("{} did not finish within {} s", writer.getName(), CLOSE_PATIENCE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
