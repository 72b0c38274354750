package io.loomchat.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code Friend} table. Friendship is mutual: one row each way. */
public final class FriendDao {

    private final Sql sql;

    FriendDao(Sql sql) {
        this.sql = sql;
    }

    /** Makes two users friends of each other; existing friends throw {@link DuplicateKeyException}. */
    public void befriend(int userId, int friendId) {
        sql.transaction("cannot add friend " + friendId + " for user " + userId, connection -> {
            String insert = "INSERT INTO Friend (userid, friendid) VALUES (?, ?)";
            Sql.update(connection, insert, statement -> {
                statement.setInt(1, userId);
                statement.setInt(2, friendId);
            });
            Sql.update(connection, insert, statement -> {
                statement.setInt(1, friendId);
                statement.setInt(2, userId);
            });
            return null;
        });
    }

    public int countFor(int userId) {
        return sql.first("cannot count the friends of user " + userId, "SELECT COUNT(*) FROM Friend WHERE userid = ?",
                statement -> statement.setInt(1, userId), row -> row.getInt(1));
    }

    /** The friends of a user with their presence, by id. */
    public List<Contact> friendsOf(int userId) {
        return sql.list("cannot read the friends of user " + userId,
                "SELECT u.id, u.name, u.state FROM Friend f JOIN User u ON u.id = f.friendid"
                        + " WHERE f.userid = ? ORDER BY u.id",
                statement -> statement.setInt(1, userId),
                row -> new Contact(row.getInt(1), row.getString(2), "online".equals(row.getString(3))));
    }

    /** The friends' ids of each of the given users (users without friends are left out). */
    public Map<Integer, List<Integer>> friendIdsOf(List<Integer> userIds) {
        Map<Integer, List<Integer>> result = new HashMap<>();
        Sql.chunked(userIds, chunk -> sql.list("cannot read the friends of " + chunk.size() + " users",
                        "SELECT userid, friendid FROM Friend WHERE userid IN (" + Sql.placeholders(chunk.size()) + ")",
                        Sql.ints(chunk),
                        row -> new int[] {row.getInt(1), row.getInt(2)})
                .forEach(pair -> result.computeIfAbsent(pair[0], id -> new ArrayList<>()).add(pair[1])));
        return result;
    }
}
