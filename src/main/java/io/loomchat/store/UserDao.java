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
                "INSERT INTO User (name, password, state, name_len, name_lower) VALUES (?, ?, 'offline', ?, ?)",
                statement -> {
                    statement.setString(1, name);
                    statement.setString(2, passwordHash);
                    statement.setInt(3, name.codePointCount(0, name.length()));
                    statement.setString(4, searchKey(name));
                }));
    }

    /**
     * How names are compared by FIND_USERS: without case, the same on every database. Code point
     * by code point, so that the key is exactly as long as the name and fits its column (a whole
     * string's lower case may be longer: "İ" becomes two characters).
     */
    static String searchKey(String name) {
        StringBuilder key = new StringBuilder(name.length());
        name.codePoints().map(Character::toLowerCase).forEach(key::appendCodePoint);
        return key.toString();
    }

    /** The user with this name (protocol 2.3, login by name), or {@code null}. */
    public User findByName(String name) {
        return sql.first("cannot read user " + name,
                "SELECT id, name, password, state FROM User WHERE name = ?",
                statement -> statement.setString(1, name),
                row -> new User(row.getInt(1), row.getString(2), row.getString(3), ONLINE.equals(row.getString(4))));
    }

    /**
     * Lengths the first statement of {@link #withNamePrefix} covers: most prefixes a person types
     * find a page of names among the shortest few lengths, and then the longer lengths are not read.
     */
    static final int FIRST_LENGTHS = 10;

    /**
     * At most {@code limit} users whose names start with {@code prefix}, without case, shortest
     * names first (then by name). A statement of one index range per possible length, each
     * stopping after {@code limit} rows, instead of sorting every match by length; MariaDB's plan
     * for each part: {@code range} on idx_user_find, key length 4 + the prefix (EXPLAIN in the
     * commit that added it). In two steps: the {@link #FIRST_LENGTHS} shortest lengths first, and
     * only when they hold fewer than {@code limit} names the rest. With 1,000,000 users a one-letter
     * prefix then reads at most 10 ranges of 20 rows rather than 50 (1,000 rows, each a lookup of
     * its row by id for the name and state): p50 9.1 -> 2.1 ms (loadtest/results/2026-12-06-read-state.md).
     */
    public List<Contact> withNamePrefix(String prefix, int maxNameChars, int limit) {
        int shortest = prefix.codePointCount(0, prefix.length());
        if (shortest > maxNameChars) {
            return List.of();
        }
        int split = Math.min(maxNameChars, shortest + FIRST_LENGTHS - 1);
        List<Contact> found = withNamePrefix(prefix, shortest, split, limit);
        if (found.size() >= limit || split == maxNameChars) {
            return found;
        }
        List<Contact> all = new ArrayList<>(found);
        all.addAll(withNamePrefix(prefix, split + 1, maxNameChars, limit - found.size()));
        return all;
    }

    /** At most {@code limit} users whose names start with {@code prefix} and are {@code from} to {@code to} characters long. */
    private List<Contact> withNamePrefix(String prefix, int from, int to, int limit) {
        String key = searchKey(prefix);
        String pattern = escapeLike(key) + "%";
        int lengths = to - from + 1;
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < lengths; i++) {
            query.append(i == 0 ? "" : " UNION ALL ").append(
                    "(SELECT id, name, state, name_len FROM User WHERE name_len = ? AND name_lower LIKE ? ESCAPE '!'"
                            + " ORDER BY name_lower LIMIT ?)");
        }
        return sql.list("cannot find users named " + prefix + "...",
                "SELECT id, name, state FROM (" + query + ") found ORDER BY name_len, name LIMIT ?",
                statement -> {
                    int parameter = 1;
                    for (int i = 0; i < lengths; i++) {
                        statement.setInt(parameter++, from + i);
                        statement.setString(parameter++, pattern);
                        statement.setInt(parameter++, limit);
                    }
                    statement.setInt(parameter, limit);
                },
                row -> new Contact(row.getInt(1), row.getString(2), ONLINE.equals(row.getString(3))));
    }

    /** A LIKE pattern that matches {@code text} literally ({@code !} is the escape character). */
    private static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
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
