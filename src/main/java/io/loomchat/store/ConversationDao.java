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
     * The newest mid of each conversation that has any. Plan: {@code range} on History's primary
     * key, "Using index for group-by": one dive to the end of each conversation's range, whatever
     * its length.
     */
    public List<Newest> newest(List<Long> convs) {
        List<Newest> result = new ArrayList<>(convs.size());
        Sql.chunked(convs, chunk -> result.addAll(sql.list("cannot read the newest of " + chunk.size() + " conversations",
                "SELECT conv, MAX(mid) FROM History WHERE conv IN (" + Sql.placeholders(chunk.size()) + ") GROUP BY conv",
                statement -> {
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setLong(i + 1, chunk.get(i));
                    }
                },
                row -> new Newest(row.getLong(1), row.getLong(2)))));
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
     * {@code cap}: each count is one range of History's primary key (conv = ? AND mid &gt; ?) that
     * stops after {@code cap} matching rows, so a conversation with a long unread tail costs no
     * more than one with {@code cap} unread. All on one connection.
     */
    public Map<Long, Integer> unread(Map<Long, Long> afterMid, int userId, int cap) {
        Map<Long, Integer> counts = new HashMap<>();
        if (afterMid.isEmpty()) {
            return counts;
        }
        sql.withConnection("cannot count the unread messages of user " + userId, connection -> {
            for (Map.Entry<Long, Long> conv : afterMid.entrySet()) {
                counts.put(conv.getKey(), count(connection, conv.getKey(), conv.getValue(), userId, cap));
            }
            return null;
        });
        return counts;
    }

    private static int count(Connection connection, long conv, long afterMid, int userId, int cap) throws SQLException {
        List<Integer> count = Sql.list(connection,
                "SELECT COUNT(*) FROM (SELECT 1 FROM History WHERE conv = ? AND mid > ? AND sender <> ? LIMIT ?) unread",
                statement -> {
                    statement.setLong(1, conv);
                    statement.setLong(2, afterMid);
                    statement.setInt(3, userId);
                    statement.setInt(4, cap);
                },
                row -> row.getInt(1));
        return count.isEmpty() ? 0 : count.get(0);
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
