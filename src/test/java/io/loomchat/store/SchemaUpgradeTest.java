package io.loomchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.testing.Backend;
import io.loomchat.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
}
