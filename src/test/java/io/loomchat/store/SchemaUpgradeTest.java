package io.loomchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.testing.Backend;
import io.loomchat.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A database of an older version is brought up to date at start-up, and may be opened again. */
class SchemaUpgradeTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aGroupUserTableFromBefore23GetsJoinMarksOf0ForItsMembers(Backend backend) throws SQLException {
        try (TestDatabase testDatabase = TestDatabase.create(backend)) {
            StoreConfig config = testDatabase.config();
            try (Connection connection = DriverManager.getConnection(config.url(), config.user(), config.password());
                 Statement statement = connection.createStatement()) {
                // GroupUser as 2.2 created it, with a member
                statement.execute("CREATE TABLE GroupUser (groupid INT NOT NULL, userid INT NOT NULL,"
                        + " grouprole VARCHAR(8) NOT NULL DEFAULT 'normal', PRIMARY KEY (groupid, userid))");
                statement.execute("INSERT INTO GroupUser (groupid, userid, grouprole) VALUES (1, 2, 'creator')");
            }
            try (Database database = Database.open(config)) {
                assertEquals(0L, database.groups().joinedMid(1, 2), "a member from before 2.3 sees all of the history");
                database.groups().join(1, 3, 99);
                assertEquals(99L, database.groups().joinedMid(1, 3));
            }
            try (Database again = Database.open(config)) {
                assertEquals(99L, again.groups().joinedMid(1, 3), "a second start changes nothing");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void usersAndHistoryFromBefore23AreFoundByNameAndCountedWithoutASender(Backend backend) throws SQLException {
        try (TestDatabase testDatabase = TestDatabase.create(backend)) {
            StoreConfig config = testDatabase.config();
            try (Connection connection = DriverManager.getConnection(config.url(), config.user(), config.password());
                 Statement statement = connection.createStatement()) {
                // User and History as 2.2 / 2.3 part 1 created them, with rows
                statement.execute("CREATE TABLE User (id INT NOT NULL AUTO_INCREMENT, name VARCHAR(50) NOT NULL,"
                        + " password VARCHAR(255) NOT NULL, state VARCHAR(8) NOT NULL DEFAULT 'offline',"
                        + " PRIMARY KEY (id), UNIQUE KEY uk_user_name (name))");
                statement.execute("INSERT INTO User (name, password) VALUES ('Old Timer', 'x'), ('oldie', 'x')");
            }
            // The embedded database keeps the history in a file of its own.
            try (Connection connection = DriverManager.getConnection(config.historyUrl(), config.user(), config.password());
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE History (conv BIGINT NOT NULL, mid BIGINT NOT NULL,"
                        + " message MEDIUMTEXT NOT NULL, PRIMARY KEY (conv, mid))");
                statement.execute("INSERT INTO History (conv, mid, message) VALUES (" + Conversation.between(1, 2)
                        + ", 10, '{}')");
            }
            try (Database database = Database.open(config)) {
                assertEquals(List.of("oldie", "Old Timer"),
                        database.users().withNamePrefix("OLD", 50, 20).stream().map(Contact::name).toList(),
                        "users from before 2.3 are found without case, the shortest first");
                database.users().create("olden", "x");
                assertEquals(List.of("olden", "oldie", "Old Timer"),
                        database.users().withNamePrefix("old", 50, 20).stream().map(Contact::name).toList());
                long conv = Conversation.between(1, 2);
                database.history().append(List.of(new HistoryDao.Entry(conv, 11, "{}", 1)));
                assertEquals(java.util.Map.of(conv, 2), database.conversations().unread(java.util.Map.of(conv, 0L), 2, 100),
                        "a row without a sender counts as from the other user");
                assertEquals(java.util.Map.of(conv, 1), database.conversations().unread(java.util.Map.of(conv, 0L), 1, 100));
            }
            try (Database again = Database.open(config)) {
                assertEquals(3, again.users().withNamePrefix("o", 50, 20).size(), "a second start changes nothing");
                long conv = Conversation.between(1, 2);
                assertEquals(List.of(11L, 10L), again.history().newestBefore(conv, 0, Long.MAX_VALUE, 50).stream()
                        .map(HistoryDao.Entry::mid).toList(), "the older version's message and the new one, kept");
            }
            if (backend == Backend.H2) {
                // The single server's messages moved into its history store; the table is gone.
                try (Connection connection = DriverManager.getConnection(config.historyUrl(), config.user(), config.password())) {
                    assertEquals(false, SchemaUpgrade.tableExists(connection, "History"));
                }
            }
        }
    }
}
