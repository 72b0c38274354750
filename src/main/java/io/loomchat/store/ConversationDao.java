package io.loomchat.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversations and read marks (protocol 2.3): the {@code UserConversation} table, and the reads
 * of {@code History} that CONVERSATIONS needs. Every query is a range or point lookup of a
 * primary key; the plans on MariaDB are written beside each. With the embedded H2 both tables
 * are in the history file, so this DAO works on the history's connections.
 */
public final class ConversationDao {

    private final Sql sql;

    ConversationDao(Sql sql) {
        this.sql = sql;
    }

    /** A conversation's newest message. */
    public record Newest(long conv, long mid) {
    }

    /** A user's read mark in a conversation. */
    public record Mark(int userId, long conv) {
    }

    /**
     * The user's rows: every one-to-one conversation with history (conv &gt; 0) and the groups
     * they have sent READ for (conv &lt; 0), each with its read mark. Plan: {@code ref} on the
     * primary key's prefix (userid).
     */
    public Map<Long, Long> ofUser(int userId) {
        Map<Long, Long> marks = new HashMap<>();
        sql.list("cannot read the conversations of user " + userId,
                "SELECT conv, read_mid FROM UserConversation WHERE userid = ?",
                statement -> statement.setInt(1, userId),
                row -> marks.put(row.getLong(1), row.getLong(2)));
        return marks;
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
    public List<Newest> newest(List<Long> convs) {
        List<Newest> result = new ArrayList<>(convs.size());
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
                        result.add(new Newest(conv, row.getLong(2)));
                    }
                    return null;
                }));
        return result;
    }

    /** The stored frames of the given messages, by conv. Plan: {@code range} of point lookups on the primary key. */
    public Map<Long, String> messages(List<Newest> messages) {
        Map<Long, String> frames = new HashMap<>();
        if (messages.isEmpty()) {
            return frames;
        }
        String where = String.join(" OR ", java.util.Collections.nCopies(messages.size(), "(conv = ? AND mid = ?)"));
        sql.list("cannot read " + messages.size() + " messages of the history",
                "SELECT conv, message FROM History WHERE " + where,
                statement -> {
                    int parameter = 1;
                    for (Newest message : messages) {
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

    /** The read marks of the given users in the given conversations (0 when none). Plan: point lookups on the primary key. */
    public Map<Mark, Long> marks(List<Mark> marks) {
        Map<Mark, Long> result = new HashMap<>();
        if (marks.isEmpty()) {
            return result;
        }
        String where = String.join(" OR ", java.util.Collections.nCopies(marks.size(), "(userid = ? AND conv = ?)"));
        sql.list("cannot read " + marks.size() + " read marks",
                "SELECT userid, conv, read_mid FROM UserConversation WHERE " + where,
                statement -> {
                    int parameter = 1;
                    for (Mark mark : marks) {
                        statement.setInt(parameter++, mark.userId());
                        statement.setLong(parameter++, mark.conv());
                    }
                },
                row -> result.put(new Mark(row.getInt(1), row.getLong(2)), row.getLong(3)));
        return result;
    }

    /**
     * Moves a user's read mark in a conversation up to {@code upto}, never back. Returns whether
     * it moved. The common case is one conditional UPDATE of one row by primary key; a first mark
     * (a group, or a conversation whose first message is still being written) inserts the row, and
     * an insert that lost a race to another writer of the row tries the UPDATE once more: rows are
     * never deleted, so that second UPDATE decides.
     */
    public boolean markRead(int userId, long conv, long upto) {
        return sql.withConnection("cannot record that user " + userId + " read conversation " + conv, connection -> {
            if (moveMark(connection, userId, conv, upto)) {
                return true;
            }
            int inserted = Sql.update(connection, "INSERT IGNORE INTO UserConversation (userid, conv, read_mid) VALUES (?, ?, ?)",
                    statement -> {
                        statement.setInt(1, userId);
                        statement.setLong(2, conv);
                        statement.setLong(3, upto);
                    });
            return inserted > 0 || moveMark(connection, userId, conv, upto);
        });
    }

    /** A read mark to move: user {@code userId}'s in {@code conv}, up to {@code upto}. */
    public record MarkTo(int userId, long conv, long upto) {
    }

    /**
     * Moves many read marks in one transaction (the read-mark writer's batch), never back, as
     * {@link #markRead(int, long, long)} does for one: one batched conditional UPDATE, then, for
     * the rows it did not move, a batched INSERT IGNORE of first marks, and for an insert that
     * lost a race one more UPDATE. The marks should be sorted by user and conversation, so that
     * two servers' batches lock rows in the same order. Returns for each whether it moved.
     */
    public boolean[] markRead(List<MarkTo> marks) {
        boolean[] moved = new boolean[marks.size()];
        if (marks.isEmpty()) {
            return moved;
        }
        return sql.transaction("cannot record " + marks.size() + " read marks", connection -> {
            List<Integer> notMoved = new ArrayList<>();
            try (java.sql.PreparedStatement update = connection.prepareStatement(
                    "UPDATE UserConversation SET read_mid = ? WHERE userid = ? AND conv = ? AND read_mid < ?")) {
                for (MarkTo mark : marks) {
                    update.setLong(1, mark.upto());
                    update.setInt(2, mark.userId());
                    update.setLong(3, mark.conv());
                    update.setLong(4, mark.upto());
                    update.addBatch();
                }
                int[] counts = update.executeBatch();
                for (int i = 0; i < marks.size(); i++) {
                    moved[i] = counts[i] > 0 || counts[i] == java.sql.Statement.SUCCESS_NO_INFO;
                    if (!moved[i]) {
                        notMoved.add(i);
                    }
                }
            }
            if (notMoved.isEmpty()) {
                return moved;
            }
            // Not moved: the mark is there already (or further), or there is no row yet (rare: a
            // group's first READ). One by one, since a batched insert may not say which rows went in.
            for (int i : notMoved) {
                MarkTo mark = marks.get(i);
                int inserted = Sql.update(connection, "INSERT IGNORE INTO UserConversation (userid, conv, read_mid) VALUES (?, ?, ?)",
                        statement -> {
                            statement.setInt(1, mark.userId());
                            statement.setLong(2, mark.conv());
                            statement.setLong(3, mark.upto());
                        });
                // Rows are never deleted: an insert that found the row leaves the UPDATE to decide.
                moved[i] = inserted > 0 || moveMark(connection, mark.userId(), mark.conv(), mark.upto());
            }
            return moved;
        });
    }

    private static boolean moveMark(Connection connection, int userId, long conv, long upto) throws SQLException {
        return Sql.update(connection, "UPDATE UserConversation SET read_mid = ? WHERE userid = ? AND conv = ? AND read_mid < ?",
                statement -> {
                    statement.setLong(1, upto);
                    statement.setInt(2, userId);
                    statement.setLong(3, conv);
                    statement.setLong(4, upto);
                }) > 0;
    }
}
