package io.loomchat.service;

import io.loomchat.store.HistoryDao;
import java.util.List;

/**
 * Conversation history (protocol 2.3) as the handlers use it: chat handlers record each message
 * before its ACK, HISTORY reads pages. Owns the group-commit writer and the retention job; with
 * a retention of 0 it keeps nothing and starts neither.
 */
final class History implements AutoCloseable {

    /** A page of a conversation, oldest first; {@code more} when older messages exist. */
    record Page(List<HistoryDao.Entry> oldestFirst, boolean more) {
        static final Page EMPTY = new Page(List.of(), false);
    }

    private final HistoryDao dao;
    /** Null when history is off. */
    private final HistoryWriter writer;
    /** Null when history is off. */
    private final HistoryRetention retention;

    private History(HistoryDao dao, HistoryWriter writer, HistoryRetention retention) {
        this.dao = dao;
        this.writer = writer;
        this.retention = retention;
    }

    static History start(HistoryPolicy policy, HistoryDao dao) {
        if (!policy.enabled()) {
            return new History(dao, null, null);
        }
        HistoryRetention retention = new HistoryRetention(dao, policy, System::currentTimeMillis);
        retention.start();
        return new History(dao, new HistoryWriter(dao, HistoryWriter.writersFor(dao)), retention);
    }

    /**
     * Records a chat message of conversation {@code conv} and returns once it is committed, or,
     * while the database is away, kept to be written when it is back (see {@link HistoryWriter}):
     * chat between live users never waits for the database to return.
     */
    void record(long conv, int sender, MessageRouter.Chat chat) {
        if (writer != null) {
            writer.write(new HistoryDao.Entry(conv, chat.mid(), chat.json(), sender));
        }
    }

    /** Takes back a recorded message that was then refused (its recipient does not exist). */
    void forget(long conv, long mid) {
        if (writer != null) {
            writer.awaitWritten(); // or the row could be written after its delete
            dao.delete(conv, mid);
        }
    }

    /** The newest {@code limit} messages with {@code afterMid < mid < beforeMid}, oldest first. */
    Page page(long conv, long afterMid, long beforeMid, int limit) {
        if (writer == null) {
            return Page.EMPTY;
        }
        awaitRecorded();
        // One row more than asked tells whether older ones exist, in the same range scan.
        List<HistoryDao.Entry> newestFirst = dao.newestBefore(conv, afterMid, beforeMid, limit + 1);
        boolean more = newestFirst.size() > limit;
        List<HistoryDao.Entry> page = more ? newestFirst.subList(0, limit) : newestFirst;
        return new Page(page.reversed(), more);
    }

    /**
     * Returns once every message recorded before this call can be read: a reader of the history
     * calls it first, so that what it shows includes every message acknowledged before.
     */
    void awaitRecorded() {
        if (writer != null) {
            writer.awaitWritten();
        }
    }

    /** The group-commit writer, for tests and metrics; null when history is off. */
    HistoryWriter writer() {
        return writer;
    }

    /** The retention job, for tests; null when history is off. */
    HistoryRetention retention() {
        return retention;
    }

    /** Writes what is queued and stops the background threads; before the pool closes. */
    @Override
    public void close() {
        if (retention != null) {
            retention.close();
        }
        if (writer != null) {
            writer.close();
        }
    }
}
