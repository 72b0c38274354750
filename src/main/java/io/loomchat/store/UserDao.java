package io.loomchat.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code User} table. */
public final class UserDao {

    private static final String ONLINE = "online";
    private static final String OFFLINE = "offline";

    private final Sql sql;

    UserDao(Sql sql) {
        this.sql = sql;
    }

    /** Inserts a user and returns its new id; a taken name throws {@link DuplicateKeyException}. */
    public int create(String name, String passwordHash) {
        return Math.toIntExact(sql.insert("cannot register " + name,
                "INSERT INTO User (name, password, state) VALUES (?, ?, 'offline')",
                statement -> {
                    statement.setString(1, name);
                    statement.setString(2, passwordHash);
                }));
    }

    /** The user with this id, or {@code null}. */
    public User find(int id) {
        return sql.first("cannot read user " + id,
                "SELECT id, name, password, state FROM User WHERE id = ?",
                statement -> statement.setInt(1, id),
                row -> new User(row.getInt(1), row.getString(2), row.getString(3), ONLINE.equals(row.getString(4))));
    }

    public boolean exists(int id) {
        return sql.first("cannot read user " + id, "SELECT 1 FROM User WHERE id = ?",
                statement -> statement.setInt(1, id), row -> Boolean.TRUE) != null;
    }

    public void setOnline(int id, boolean online) {
        sql.update("cannot update the state of user " + id, "UPDATE User SET state = ? WHERE id = ?",
                statement -> {
                    statement.setString(1, online ? ONLINE : OFFLINE);
                    statement.setInt(2, id);
                });
    }

    /** Sets the state of many users at once (a server that died, or Redis coming back). */
    public void setOnline(List<Integer> ids, boolean online) {
        Sql.chunked(ids, chunk -> sql.update("cannot update the state of " + chunk.size() + " users",
                "UPDATE User SET state = '" + (online ? ONLINE : OFFLINE) + "' WHERE id IN ("
                        + Sql.placeholders(chunk.size()) + ")",
                Sql.ints(chunk)));
    }

    /** The names of the given users, by id, with their current state. */
    public Map<Integer, Contact> contacts(List<Integer> ids) {
        Map<Integer, Contact> result = new HashMap<>();
        Sql.chunked(ids, chunk -> sql.list("cannot read " + chunk.size() + " users",
                        "SELECT id, name, state FROM User WHERE id IN (" + Sql.placeholders(chunk.size()) + ")",
                        Sql.ints(chunk),
                        row -> new Contact(row.getInt(1), row.getString(2), ONLINE.equals(row.getString(3))))
                .forEach(contact -> result.put(contact.id(), contact)));
        return result;
    }

    /** Those of the given users that the database records as offline. */
    public List<Integer> offlineAmong(List<Integer> ids) {
        List<Integer> result = new ArrayList<>();
        contacts(ids).values().forEach(contact -> {
            if (!contact.online()) {
                result.add(contact.id());
            }
        });
        return result;
    }

    /**
     * Marks every user offline. Only right for a single node starting up: no session can be live
     * anywhere, whatever a crashed predecessor left behind.
     */
    public int resetAllOffline() {
        return sql.update("cannot reset presence", "UPDATE User SET state = 'offline' WHERE state <> 'offline'",
                Sql.Binder.NONE);
    }
}
