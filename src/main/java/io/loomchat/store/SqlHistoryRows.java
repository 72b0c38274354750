package io.loomchat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history in the {@code History} table of a database server (MySQL/MariaDB, see schema.sql),
 * UserConversation beside it. Every read is a range or point lookup of History's primary key
 * {@code (conv, mid)}; the plans on MariaDB are written beside each.
 */
final class SqlHistoryRows implements HistoryRows {

    /**
     * How long one write may take before it fails. A sender waits for its row to be committed,
     * so a database that hangs must turn into errno 10 rather than a sender parked for ever.
     */
    private static final int WRITE_TIMEOUT_SECONDS = 10;

    private final Sql sql;

    SqlHistoryRows(Sql sql) {
        this.sql = sql;
    }

    @Override
    public boolean durable() {
        return true;
    }

    /**
     * One batched INSERT (the MySQL driver sends it as one multi-row statement:
     * rewriteBatchedStatements in {@link Database}), in one transaction with the index rows of
     * new conversations. Only a database server keeps its history here (the embedded one has
     * {@link StoredHistoryRows}).
     */
    @Override
    public void append(List<HistoryDao.Entry> entries, Set<Long> newConversations) {
        String what = "cannot write " + entries.size() + " messages to the history";
        sql.withConnection(what, connection -> {
            if (newConversations.isEmpty()) {
                // The common case: the driver sends the batch as one multi-row INSERT, committed
                // by itself (autocommit) in one round trip; a transaction around it would add three
                // more (autocommit off, COMMIT, autocommit on) for nothing, since a row is written
                // at most once (INSERT IGNORE) and a batch that fails is written again whole.
                insert(connection, entries);
            } else {
                Sql.inTransaction(connection, () -> {
                    insert(connection, entries);
                    index(connection, newConversations);
                });
            }
            return null;
        });
    }

    private static void insert(Connection connection, List<HistoryDao.Entry> entries) throws SQLException {
        try (PreparedStatement statement = batchStatement(connection,
                "INSERT IGNORE INTO History (conv, mid, message, sender) VALUES (?, ?, ?, ?)")) {
            limitWriteTime(connection, statement);
            for (HistoryDao.Entry entry : entries) {
                statement.setLong(1, entry.conv());
                statement.setLong(2, entry.mid());
                statement.setString(3, entry.json());
                statement.setInt(4, entry.sender());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static boolean isMySql(Connection connection) throws SQLException {
        return connection.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class);
    }

    /**
     * Bounds a write by {@link #WRITE_TIMEOUT_SECONDS}. On MySQL/MariaDB through the socket's read
     * timeout, for the connection's time out of the pool (the pool puts it back): the driver's
     * query timeout schedules a task on a {@code java.util.Timer} and cancels it for every
     * statement, a few percent of a busy server's CPU (JFR, 2026-12-07). A write that hits the
     * socket timeout closes the connection; its batch is written again on another.
     */
    private static void limitWriteTime(Connection connection, PreparedStatement statement) throws SQLException {
        if (isMySql(connection)) {
            connection.setNetworkTimeout(Runnable::run, WRITE_TIMEOUT_SECONDS * 1_000);
        } else {
            statement.setQueryTimeout(WRITE_TIMEOUT_SECONDS);
        }
    }

    /**
     * A statement for one batched INSERT. On MySQL/MariaDB a client-side prepared one: the pool
     * prepares statements on the server, and the driver's multi-row rewrite of a batch is a new
     * statement for every batch size, so each history batch paid a PREPARE and a close besides
     * its INSERT (JFR, loadtest/results/2026-12-06-devices-history.md). Client-side, the batch
     * goes as one multi-row INSERT in one round trip.
     */
    private static PreparedStatement batchStatement(Connection connection, String sql) throws SQLException {
        if (isMySql(connection)) {
            return connection.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).clientPrepareStatement(sql);
        }
        return connection.prepareStatement(sql);
    }

    /**
     * Protocol 2.3: each user of a new one-to-one conversation gets its row in UserConversation,
     * in the transaction of its first message, so that CONVERSATIONS finds every conversation
     * with history. Groups need none: GroupUser lists them.
     *
     * <p>The rows go in the order of the table's key, (user, conversation): two writers (two
     * history writers of one server, or two servers) whose batches share new conversations then
     * take the rows' locks in one order, and one waits for the other instead of both waiting for
     * each other. Without it, two writers inserting 200 shared rows timed out on H2's locks
     * (loadtest/HistoryBench.java, 2026-12-07).
     */
    static void index(Connection connection, Set<Long> conversations) throws SQLException {
        if (conversations.isEmpty()) {
            return;
        }
        List<long[]> rows = new ArrayList<>(2 * conversations.size());
        for (long conv : conversations) {
            for (int user : Conversation.users(conv)) {
                rows.add(new long[] {user, conv});
            }
        }
        rows.sort(java.util.Comparator.<long[]>comparingLong(row -> row[0]).thenComparingLong(row -> row[1]));
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT IGNORE INTO UserConversation (userid, conv) VALUES (?, ?)")) {
            limitWriteTime(connection, statement);
            for (long[] row : rows) {
                statement.setInt(1, (int) row[0]);
                statement.setLong(2, row[1]);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /**
     * At most {@code limit} messages of a conversation with {@code afterMid < mid < beforeMid},
     * the NEWEST first: one backward scan of the primary key, which stops after {@code limit} rows.
     */
    @Override
    public List<HistoryDao.Entry> newestBefore(long conv, long afterMid, long beforeMid, int limit) {
        return sql.list("cannot read the history of conversation " + conv,
                "SELECT mid, message FROM History WHERE conv = ? AND mid > ? AND mid < ? ORDER BY mid DESC LIMIT ?",
                statement -> {
                    statement.setLong(1, conv);
                    statement.setLong(2, afterMid);
                    statement.setLong(3, beforeMid);
                    statement.setInt(4, limit);
                },
                row -> new HistoryDao.Entry(conv, row.getLong(1), row.getString(2)));
    }

    /** Removes one message (one whose recipient turned out not to exist). */
    @Override
    public void delete(long conv, long mid) {
        sql.update("cannot delete message " + mid + " from the history",
                "DELETE FROM History WHERE conv = ? AND mid = ?", statement -> {
                    statement.setLong(1, conv);
                    statement.setLong(2, mid);
                });
    }

    /**
     * Deletes at most {@code maxRows} messages older than {@code mid} and returns how many. Small
     * statements keep each transaction, its locks and its undo log short; the caller loops.
     */
    @Override
    public int deleteOlderThan(long mid, int maxRows) {
        return sql.update("cannot delete expired history",
                "DELETE FROM History WHERE mid < ? LIMIT ?", statement -> {
                    statement.setLong(1, mid);
                    statement.setInt(2, maxRows);
                });
    }

    /**
     * The newest mid of each conversation that has any: one statement of one part per
     * conversation, {@code (SELECT MAX(conv), MAX(mid) FROM History WHERE conv = ?)}, joined by
     * UNION ALL (a conversation without rows gives NULLs, skipped). Plan of each part on MariaDB:
     * "Select tables optimized away", the optimizer reads the end of the conversation's range of
     * the primary key once, whatever its length.
     *
     * <p>Not {@code SELECT conv, MAX(mid) ... WHERE conv IN (...) GROUP BY conv}: its "index for
     * group-by" plan (one dive per conversation) is the optimizer's choice, taken only when the
     * statistics say conversations are long. On 5 million rows in 200 conversations InnoDB's
     * sampled statistics counted 161,846 distinct conversations (about 31 rows each, not 25,000),
     * and MariaDB 10.11 read every row of the 200 conversations instead: 14 s for one
     * CONVERSATIONS (loadtest/results/2026-12-06-read-state.md).
     */
    @Override
    public List<ConversationDao.Newest> newest(List<Long> convs) {
        List<ConversationDao.Newest> result = new ArrayList<>(convs.size());
        Sql.chunked(convs, chunk -> sql.list("cannot read the newest of " + chunk.size() + " conversations",
                String.join(" UNION ALL ", java.util.Collections.nCopies(chunk.size(),
                        "(SELECT MAX(conv), MAX(mid) FROM History WHERE conv = ?)")),
                statement -> {
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setLong(i + 1, chunk.get(i));
                    }
                },
                row -> {
                    long conv = row.getLong(1); // 0 for NULL: a conversation without rows (no conv is 0)
                    if (conv != 0) {
                        result.add(new ConversationDao.Newest(conv, row.getLong(2)));
                    }
                    return null;
                }));
        return result;
    }

    /** The stored frames of the given messages, by conv. Plan: {@code range} of point lookups on the primary key. */
    @Override
    public Map<Long, String> messages(List<ConversationDao.Newest> messages) {
        Map<Long, String> frames = new HashMap<>();
        if (messages.isEmpty()) {
            return frames;
        }
        String where = String.join(" OR ", java.util.Collections.nCopies(messages.size(), "(conv = ? AND mid = ?)"));
        sql.list("cannot read " + messages.size() + " messages of the history",
                "SELECT conv, message FROM History WHERE " + where,
                statement -> {
                    int parameter = 1;
                    for (ConversationDao.Newest message : messages) {
                        statement.setLong(parameter++, message.conv());
                        statement.setLong(parameter++, message.mid());
                    }
                },
                row -> frames.put(row.getLong(1), row.getString(2)));
        return frames;
    }

    /**
     * For each conversation, how many messages of others follow {@code afterMid}, counting at most
     * {@code cap}: one statement, {@code SELECT conv, COUNT(*) FROM ((SELECT conv FROM History WHERE
     * conv = ? AND mid > ? AND sender <> ? LIMIT ?) UNION ALL ...) GROUP BY conv}, whose every part
     * is one range of History's primary key that stops after {@code cap} matching rows, so a
     * conversation with a long unread tail costs no more than one with {@code cap} unread. One
     * statement rather than one per conversation: 50 round trips cost more than the counting.
     */
    @Override
    public Map<Long, Integer> unread(Map<Long, Long> afterMid, int userId, int cap) {
        Map<Long, Integer> counts = new HashMap<>();
        if (afterMid.isEmpty()) {
            return counts;
        }
        List<Map.Entry<Long, Long>> convs = new ArrayList<>(afterMid.entrySet());
        Sql.chunked(convs, chunk -> sql.list("cannot count the unread messages of user " + userId,
                "SELECT conv, COUNT(*) FROM (" + String.join(" UNION ALL ", java.util.Collections.nCopies(chunk.size(),
                        "(SELECT conv FROM History WHERE conv = ? AND mid > ? AND sender <> ? LIMIT ?)"))
                        + ") unread GROUP BY conv",
                statement -> {
                    int parameter = 1;
                    for (Map.Entry<Long, Long> conv : chunk) {
                        statement.setLong(parameter++, conv.getKey());
                        statement.setLong(parameter++, conv.getValue());
                        statement.setInt(parameter++, userId);
                        statement.setInt(parameter++, cap);
                    }
                },
                row -> counts.put(row.getLong(1), row.getInt(2))));
        return counts;
    }

    @Override
    public long size() {
        return sql.first("cannot count the history", "SELECT COUNT(*) FROM History", Sql.Binder.NONE, row -> row.getLong(1));
    }

    @Override
    public void close() {
        // the pool is the database's
    }
}
