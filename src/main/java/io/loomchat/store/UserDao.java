package io.loomchat.store;

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

    /**
     * Marks every user offline. Only right for a single node starting up: no session can be live
     * anywhere, whatever a crashed predecessor left behind.
     */
    public int resetAllOffline() {
        return sql.update("cannot reset presence", "UPDATE User SET state = 'offline' WHERE state <> 'offline'",
                Sql.Binder.NONE);
    }
}
