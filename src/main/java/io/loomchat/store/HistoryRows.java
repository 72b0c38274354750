package io.loomchat.store;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the messages of the history (protocol 2.3) are kept, and the reads of them that HISTORY
 * and CONVERSATIONS make: the seam between the {@code History} table of a database server
 * ({@link SqlHistoryRows}) and the single server's store of its own ({@link StoredHistoryRows}).
 * {@link HistoryDao} and {@link ConversationDao} are the callers; nothing else sees this.
 */
interface HistoryRows extends AutoCloseable {

    /**
     * Writes messages; a message already there is left as it is, so writing one twice is
     * harmless and a batch that failed part way can be written again whole. Each user of a
     * one-to-one conversation in {@code newConversations} gets its row in UserConversation before
     * or with the messages, so that CONVERSATIONS finds every conversation with history.
     */
    void append(List<HistoryDao.Entry> entries, Set<Long> newConversations);

    /** Whether a write is on disk when {@link #append} returns. */
    boolean durable();

    /** At most {@code limit} messages of a conversation with {@code afterMid < mid < beforeMid}, the newest first. */
    List<HistoryDao.Entry> newestBefore(long conv, long afterMid, long beforeMid, int limit);

    /** Removes one message. */
    void delete(long conv, long mid);

    /** Deletes at most {@code maxRows} messages older than {@code mid} and returns how many. */
    int deleteOlderThan(long mid, int maxRows);

    /** The newest mid of each of these conversations that has any. */
    List<ConversationDao.Newest> newest(List<Long> convs);

    /** The stored frames of these messages, by conv. */
    Map<Long, String> messages(List<ConversationDao.Newest> messages);

    /** For each conversation, how many messages not sent by {@code userId} follow its mid in {@code afterMid}, at most {@code cap}. */
    Map<Long, Integer> unread(Map<Long, Long> afterMid, int userId, int cap);

    /** Messages kept now (tests, and an operator's count); a full count on a database server. */
    long size();

    /** Lets go of what this holds beside the database's pool (nothing, for SQL). */
    @Override
    void close();
}
