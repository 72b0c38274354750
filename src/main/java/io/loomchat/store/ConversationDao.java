package io.loomchat.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversations and read marks (protocol 2.3): the {@code UserConversation} table, and the reads
 * of the history that CONVERSATIONS needs ({@link HistoryRows}). Every query is a range or point
 * lookup of a primary key; the plans on MariaDB are written beside each. With the embedded H2,
 * UserConversation is in the history file, so this DAO works on the history's connections.
 */
public final class ConversationDao {

    private final Sql sql;
    private final HistoryRows history;

    ConversationDao(Sql sql, HistoryRows history) {
        this.sql = sql;
        this.history = history;
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

    /** The newest mid of each conversation that has any (one backward step into each). */
    public List<Newest> newest(List<Long> convs) {
        return history.newest(convs);
    }

    /** The stored frames of the given messages, by conv (point lookups). */
    public Map<Long, String> messages(List<Newest> messages) {
        return history.messages(messages);
    }

    /**
     * For each conversation, how many messages of others follow {@code afterMid}, counting at most
     * {@code cap}: a conversation with a long unread tail costs no more than one with {@code cap}
     * unread.
     */
    public Map<Long, Integer> unread(Map<Long, Long> afterMid, int userId, int cap) {
        return history.unread(afterMid, userId, cap);
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
