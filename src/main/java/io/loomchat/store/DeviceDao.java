package io.loomchat.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Device} table (protocol 2.3): the devices each user has logged in from, and so the
 * mailboxes that messages for that user are kept in. See schema.sql for what a mailbox is.
 */
public final class DeviceDao {

    /** The name that stands for a session without a device id. */
    public static final String NO_DEVICE = "";

    /**
     * How stale a device's last login may be before a login writes it again. It only decides when
     * an idle device is forgotten (an expiry of at least an hour, 30 days by default), so ten
     * minutes change nothing a user sees, and a device logging in again soon (a reconnect, a
     * relogin storm after a server's death) costs a read instead of a read and a committed write.
     */
    static final long LAST_LOGIN_PRECISION_MILLIS = 600_000;

    private final Sql sql;

    DeviceDao(Sql sql) {
        this.sql = sql;
    }

    /**
     * A device of a user.
     *
     * @param mailbox              where its messages wait: the user's id for {@link #NO_DEVICE}, minus the row id otherwise
     * @param first                whether this login is the device's first (it is known from now on)
     * @param withoutDeviceKnown   whether the user's session without a device id is a known device
     */
    public record Seen(int mailbox, boolean first, boolean withoutDeviceKnown) {
    }

    /**
     * Records a login of a device, creating the device on its first one. One read of the user's
     * devices (a handful of rows) tells both whether this one exists and whether the session
     * without a device id does.
     */
    public Seen loggedIn(int userId, String name, long nowMillis) {
        byte[] key = name.getBytes(StandardCharsets.US_ASCII);
        record Row(int id, String name, long lastLogin) {
        }
        List<Row> rows = sql.list("cannot read the devices of user " + userId,
                "SELECT id, name, last_login FROM Device WHERE userid = ?", statement -> statement.setInt(1, userId),
                row -> new Row(row.getInt(1), new String(row.getBytes(2), StandardCharsets.US_ASCII), row.getLong(3)));
        boolean withoutDevice = name.equals(NO_DEVICE) || rows.stream().anyMatch(row -> row.name().equals(NO_DEVICE));
        Row known = rows.stream().filter(row -> row.name().equals(name)).findFirst().orElse(null);
        if (known != null) {
            int id = known.id();
            if (nowMillis - known.lastLogin() < LAST_LOGIN_PRECISION_MILLIS) {
                return new Seen(mailbox(userId, name, id), false, withoutDevice);
            }
            sql.update("cannot record a login of a device of user " + userId,
                    "UPDATE Device SET last_login = ? WHERE id = ?", statement -> {
                        statement.setLong(1, nowMillis);
                        statement.setInt(2, id);
                    });
            return new Seen(mailbox(userId, name, id), false, withoutDevice);
        }
        try {
            long created = sql.insert("cannot record a new device of user " + userId,
                    "INSERT INTO Device (userid, name, last_login) VALUES (?, ?, ?)", statement -> {
                        statement.setInt(1, userId);
                        statement.setBytes(2, key);
                        statement.setLong(3, nowMillis);
                    });
            return new Seen(mailbox(userId, name, (int) created), true, withoutDevice);
        } catch (DuplicateKeyException e) { // the same device logging in twice at once: one of them is refused later
            Integer raced = idOf(userId, key);
            if (raced == null) {
                throw e;
            }
            return new Seen(mailbox(userId, name, raced), false, withoutDevice);
        }
    }

    /**
     * The mailboxes of the devices a user has: where a message for that user is kept while a
     * device is away. Empty when the user has never logged in since 2.3.
     */
    public List<Integer> mailboxesOf(int userId) {
        return sql.list("cannot read the devices of user " + userId,
                "SELECT id, name FROM Device WHERE userid = ?",
                statement -> statement.setInt(1, userId),
                row -> mailbox(userId, new String(row.getBytes(2), StandardCharsets.US_ASCII), row.getInt(1)));
    }

    /** A device forgotten by {@link #forgetIdle}. */
    public record Forgotten(int userId, int mailbox) {
    }

    /**
     * Forgets at most {@code limit} devices that have not logged in since {@code beforeMillis},
     * with the messages kept for them. A user's session without a device id is never forgotten
     * while it is the user's only device: its mailbox is where an old client's messages wait.
     */
    public List<Forgotten> forgetIdle(long beforeMillis, int limit) {
        record Idle(int id, Forgotten device) {
        }
        List<Idle> idle = sql.list("cannot read idle devices",
                "SELECT d.id, d.userid, d.name FROM Device d WHERE d.last_login < ? AND (d.name <> ? OR EXISTS "
                        + "(SELECT 1 FROM Device o WHERE o.userid = d.userid AND o.id <> d.id)) ORDER BY d.last_login LIMIT ?",
                statement -> {
                    statement.setLong(1, beforeMillis);
                    statement.setBytes(2, new byte[0]);
                    statement.setInt(3, limit);
                },
                row -> new Idle(row.getInt(1), new Forgotten(row.getInt(2),
                        mailbox(row.getInt(2), new String(row.getBytes(3), StandardCharsets.US_ASCII), row.getInt(1)))));
        List<Forgotten> forgotten = new ArrayList<>(idle.size());
        for (Idle device : idle) {
            int userId = device.device().userId();
            sql.transaction("cannot forget a device of user " + userId, connection -> {
                Sql.update(connection, "DELETE FROM OfflineMessage WHERE userid = ?",
                        statement -> statement.setInt(1, device.device().mailbox()));
                Sql.update(connection, "DELETE FROM Device WHERE id = ?", statement -> statement.setInt(1, device.id()));
                return null;
            });
            forgotten.add(device.device());
        }
        return forgotten;
    }

    private Integer idOf(int userId, byte[] name) {
        return sql.first("cannot read a device of user " + userId,
                "SELECT id FROM Device WHERE userid = ? AND name = ?", statement -> {
                    statement.setInt(1, userId);
                    statement.setBytes(2, name);
                },
                row -> row.getInt(1));
    }

    private static int mailbox(int userId, String name, int id) {
        return name.isEmpty() ? userId : -id;
    }
}
