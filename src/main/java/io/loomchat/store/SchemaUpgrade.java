package io.loomchat.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Columns that later versions added to tables an older server created. schema.sql creates new
 * tables whole, but {@code CREATE TABLE IF NOT EXISTS} leaves an existing one as it was, and
 * MySQL 8 (unlike MariaDB) has no {@code ADD COLUMN IF NOT EXISTS}: so each column is looked up
 * in the driver's metadata, which every database here answers, and added when missing. Indexes
 * likewise, and the 2.3 search keys of users registered before they existed are filled in.
 */
final class SchemaUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaUpgrade.class);

    /** A column and the statement that adds it. */
    private record Column(String table, String column, String addition) {
    }

    private static final List<Column> ADDED_COLUMNS = List.of(
            // 2.3: group history starts at the join; members from before the upgrade see all of it.
            new Column("GroupUser", "joined_mid", "ALTER TABLE GroupUser ADD COLUMN joined_mid BIGINT NOT NULL DEFAULT 0"),
            // 2.3: unread counts leave out one's own messages; older rows (0) count as from others.
            new Column("History", "sender", "ALTER TABLE History ADD COLUMN sender INT NOT NULL DEFAULT 0"),
            // 2.3: FIND_USERS (see schema.sql); filled below.
            new Column("User", "name_len", "ALTER TABLE User ADD COLUMN name_len INT NOT NULL DEFAULT 0"),
            new Column("User", "name_lower", "ALTER TABLE User ADD COLUMN name_lower VARCHAR(50) NOT NULL DEFAULT ''"),
            // 2.2, confirmations in doubt (see schema.sql).
            new Column("OfflineMessage", "confirmed", "ALTER TABLE OfflineMessage ADD COLUMN confirmed BOOLEAN NOT NULL DEFAULT FALSE"));

    /** An index and the statement that adds it. */
    private record Index(String table, String index, String addition) {
    }

    private static final List<Index> ADDED_INDEXES = List.of(
            new Index("User", "idx_user_find", "CREATE INDEX idx_user_find ON User (name_len, name_lower)"));

    /**
     * Users registered before 2.3, or by an older server of a cluster being upgraded one server at
     * a time, have no search key yet (name_len 0: every real name has at least one character).
     * Run at every start: with the key by name_len it reads only those rows.
     */
    private static final String FILL_SEARCH_KEYS =
            "UPDATE User SET name_len = CHAR_LENGTH(name), name_lower = LOWER(name) WHERE name_len = 0";

    private SchemaUpgrade() {
    }

    /**
     * Upgrades the tables of this database that are older than their schema. A table that is not
     * here is left alone: the embedded history file holds History and UserConversation only.
     */
    static void apply(Connection connection) throws SQLException {
        for (Column column : ADDED_COLUMNS) {
            if (!tableExists(connection, column.table()) || exists(connection, column)) {
                continue;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(column.addition());
                LOG.info("added column {}.{} to a table of an older version", column.table(), column.column());
            } catch (SQLException e) {
                // Servers of a cluster start together: another one may have added it meanwhile.
                if (!exists(connection, column)) {
                    throw e;
                }
            }
        }
        for (Index index : ADDED_INDEXES) {
            if (!tableExists(connection, index.table()) || indexExists(connection, index)) {
                continue;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(index.addition());
                LOG.info("added index {} to table {} of an older version", index.index(), index.table());
            } catch (SQLException e) {
                if (!indexExists(connection, index)) {
                    throw e;
                }
            }
        }
        if (!tableExists(connection, "User")) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            int filled = statement.executeUpdate(FILL_SEARCH_KEYS);
            if (filled > 0) {
                LOG.info("gave {} users registered by an older version their search key", filled);
            }
        }
    }

    /** Whether the table is here; names compared without case, as in {@link #exists}. */
    static boolean tableExists(Connection connection, String name) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        for (String table : List.of(name, name.toLowerCase(), name.toUpperCase())) {
            try (ResultSet tables = metadata.getTables(connection.getCatalog(), null, table, null)) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean indexExists(Connection connection, Index index) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        String catalog = connection.getCatalog();
        for (String table : List.of(index.table(), index.table().toLowerCase(), index.table().toUpperCase())) {
            try (ResultSet indexes = metadata.getIndexInfo(catalog, null, table, false, true)) {
                while (indexes.next()) {
                    if (index.index().equalsIgnoreCase(indexes.getString("INDEX_NAME"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether the table has the column. Names are compared without case: H2 here folds them to
     * lower case, MySQL keeps them as written.
     */
    private static boolean exists(Connection connection, Column column) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        String catalog = connection.getCatalog();
        for (String table : List.of(column.table(), column.table().toLowerCase(), column.table().toUpperCase())) {
            try (ResultSet columns = metadata.getColumns(catalog, null, table, null)) {
                while (columns.next()) {
                    if (columns.getString("COLUMN_NAME").equalsIgnoreCase(column.column())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
