package io.loomchat.store;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The history (protocol 2.3): every acknowledged chat message, by conversation. Kept in the
 * {@code History} table of a database server, or in the single server's own store
 * ({@link HistoryRows} says where).
 */
public final class HistoryDao {

    private final HistoryRows rows;

    HistoryDao(HistoryRows rows) {
        this.rows = rows;
    }

    /**
     * Whether a written message is on disk when the write returns. True for a database server;
     * false for the embedded store, written to disk every
     * {@link StoreConfig#HISTORY_WRITE_DELAY_MILLIS} ms (see {@link StoredHistoryRows}).
     */
    public boolean durableCommits() {
        return rows.durable();
    }

    /**
     * One-to-one conversations whose two UserConversation rows this server has written (or found
     * written): a conversation's later messages need not write them again. Rows are never deleted,
     * so an entry never goes stale; the set is emptied when it grows past {@link #MAX_INDEXED}.
     */
    private final Set<Long> indexed = ConcurrentHashMap.newKeySet();
    private static final int MAX_INDEXED = 200_000;

    /**
     * A message of a conversation.
     *
     * @param conv   the conversation, from {@link Conversation}
     * @param mid    the message id: orders the conversation
     * @param json   the delivered frame, as JSON text
     * @param sender the author's user id (unread counts leave out one's own messages); 0 unknown
     */
    public record Entry(long conv, long mid, String json, int sender) {
        public Entry(long conv, long mid, String json) {
            this(conv, mid, json, 0);
        }
    }

    /**
     * Writes messages, with the index rows of conversations new to this server. A message already
     * there is left as it is, so writing one twice is harmless, and a batch that failed part way
     * is simply written again.
     */
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Set<Long> newConversations = new HashSet<>();
        for (Entry entry : entries) {
            if (entry.conv() > 0 && !indexed.contains(entry.conv())) {
                newConversations.add(entry.conv());
            }
        }
        rows.append(entries, newConversations);
        if (indexed.size() + newConversations.size() > MAX_INDEXED) {
            indexed.clear();
        }
        indexed.addAll(newConversations);
    }

    /**
     * At most {@code limit} messages of a conversation with {@code afterMid < mid < beforeMid},
     * the NEWEST first: one backward range scan of the conversation, which stops after
     * {@code limit} messages.
     */
    public List<Entry> newestBefore(long conv, long afterMid, long beforeMid, int limit) {
        return rows.newestBefore(conv, afterMid, beforeMid, limit);
    }

    /** Removes one message (one whose recipient turned out not to exist). */
    public void delete(long conv, long mid) {
        rows.delete(conv, mid);
    }

    /**
     * Deletes at most {@code maxRows} messages older than {@code mid} and returns how many. Small
     * steps keep each one short; the caller loops.
     */
    public int deleteOlderThan(long mid, int maxRows) {
        return rows.deleteOlderThan(mid, maxRows);
    }

    /** Messages kept now: for tests and an operator's count (on a database server, a full count). */
    public long size() {
        return rows.size();
    }
}
