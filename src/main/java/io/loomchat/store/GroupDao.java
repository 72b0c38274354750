package io.loomchat.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code AllGroup} and {@code GroupUser} tables. */
public final class GroupDao {

    private static final String MEMBERS_OF_GROUPS =
            "SELECT gu.groupid, u.id, u.name, u.state, gu.grouprole"
                    + " FROM GroupUser gu JOIN User u ON u.id = gu.userid WHERE gu.groupid IN (%s)"
                    + " ORDER BY gu.groupid, u.id";

    private final Sql sql;

    GroupDao(Sql sql) {
        this.sql = sql;
    }

    /**
     * Creates a group with its creator as first member and returns its id; a taken name throws
     * {@link DuplicateKeyException}. {@code joinedMid}: a message id taken now, where the
     * creator's history of the group starts.
     */
    public int create(String name, String description, int creatorId, long joinedMid) {
        return sql.transaction("cannot create group " + name, connection -> {
            int groupId = Math.toIntExact(Sql.insert(connection,
                    "INSERT INTO AllGroup (groupname, groupdesc) VALUES (?, ?)", statement -> {
                        statement.setString(1, name);
                        statement.setString(2, description);
                    }));
            Sql.update(connection, "INSERT INTO GroupUser (groupid, userid, grouprole, joined_mid) VALUES (?, ?, ?, ?)",
                    statement -> {
                        statement.setInt(1, groupId);
                        statement.setInt(2, creatorId);
                        statement.setString(3, Group.CREATOR);
                        statement.setLong(4, joinedMid);
                    });
            return groupId;
        });
    }

    /**
     * Adds a normal member; an existing member throws {@link DuplicateKeyException}.
     * {@code joinedMid}: a message id taken now, where the member's history of the group starts.
     */
    public void join(int groupId, int userId, long joinedMid) {
        sql.update("cannot add user " + userId + " to group " + groupId,
                "INSERT INTO GroupUser (groupid, userid, grouprole, joined_mid) VALUES (?, ?, ?, ?)", statement -> {
                    statement.setInt(1, groupId);
                    statement.setInt(2, userId);
                    statement.setString(3, Group.NORMAL);
                    statement.setLong(4, joinedMid);
                });
    }

    /**
     * Where a member's history of a group starts (the mid taken when they joined; 0 for those who
     * joined before protocol 2.3), or {@code null} when the user is not a member.
     */
    public Long joinedMid(int groupId, int userId) {
        return sql.first("cannot read the membership of user " + userId + " in group " + groupId,
                "SELECT joined_mid FROM GroupUser WHERE groupid = ? AND userid = ?", statement -> {
                    statement.setInt(1, groupId);
                    statement.setInt(2, userId);
                }, row -> row.getLong(1));
    }

    /** A group of a user's, with where the user's history of it starts (protocol 2.3). */
    public record Membership(int groupId, String groupName, long joinedMid) {
    }

    /** The groups a user belongs to, without their members. Plan: {@code ref} on idx_groupuser_user, then AllGroup by key. */
    public List<Membership> membershipsOf(int userId) {
        return sql.list("cannot read the groups of user " + userId,
                "SELECT g.id, g.groupname, gu.joined_mid FROM GroupUser gu JOIN AllGroup g ON g.id = gu.groupid"
                        + " WHERE gu.userid = ?",
                statement -> statement.setInt(1, userId),
                row -> new Membership(row.getInt(1), row.getString(2), row.getLong(3)));
    }

    /** How many groups a user is a member of. */
    public int countOf(int userId) {
        return sql.first("cannot count the groups of user " + userId, "SELECT COUNT(*) FROM GroupUser WHERE userid = ?",
                statement -> statement.setInt(1, userId), row -> row.getInt(1));
    }

    public boolean exists(int groupId) {
        return sql.first("cannot read group " + groupId, "SELECT 1 FROM AllGroup WHERE id = ?",
                statement -> statement.setInt(1, groupId), row -> Boolean.TRUE) != null;
    }

    /** A group with its members, or {@code null}. */
    public Group find(int groupId) {
        List<Group> groups = withMembers("cannot read group " + groupId,
                "SELECT id, groupname, groupdesc FROM AllGroup WHERE id = ?", groupId);
        return groups.isEmpty() ? null : groups.get(0);
    }

    /** The groups a user belongs to, each with its members. */
    public List<Group> groupsOf(int userId) {
        return withMembers("cannot read the groups of user " + userId,
                "SELECT g.id, g.groupname, g.groupdesc FROM AllGroup g JOIN GroupUser gu ON gu.groupid = g.id"
                        + " WHERE gu.userid = ? ORDER BY g.id", userId);
    }

    /** The ids of a group's members; empty when the group does not exist or has none. */
    public List<Integer> memberIds(int groupId) {
        return sql.list("cannot read the members of group " + groupId,
                "SELECT userid FROM GroupUser WHERE groupid = ?",
                statement -> statement.setInt(1, groupId), row -> row.getInt(1));
    }

    private List<Group> withMembers(String what, String groupQuery, int key) {
        return sql.withConnection(what, connection -> {
            Map<Integer, Group> groups = new LinkedHashMap<>();
            for (Group group : Sql.list(connection, groupQuery, statement -> statement.setInt(1, key),
                    row -> new Group(row.getInt(1), row.getString(2), row.getString(3), new ArrayList<>()))) {
                groups.put(group.id(), group);
            }
            if (groups.isEmpty()) {
                return List.of();
            }
            List<Integer> ids = List.copyOf(groups.keySet());
            Sql.list(connection, MEMBERS_OF_GROUPS.formatted(Sql.placeholders(ids.size())), statement -> {
                for (int i = 0; i < ids.size(); i++) {
                    statement.setInt(i + 1, ids.get(i));
                }
            }, row -> {
                groups.get(row.getInt(1)).members().add(new Group.Member(row.getInt(2), row.getString(3),
                        "online".equals(row.getString(4)), row.getString(5)));
                return null;
            });
            return List.copyOf(groups.values());
        });
    }
}
