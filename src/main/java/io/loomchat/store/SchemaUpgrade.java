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
 * in the driver's metadata, which every database here answers, and added when missing.
 */
final class SchemaUpgrade {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaUpgrade.class);

    /** A column and the statement that adds it. */
    private record Column(String table, String column, String addition) {
    }

    private static final List<Column> ADDED_COLUMNS = List.of(
            // 2.3: group history starts at the join; members from before the upgrade see all of it.
            new Column("GroupUser", "joined_mid", "ALTER TABLE GroupUser ADD COLUMN joined_mid BIGINT NOT NULL DEFAULT 0"));

    private SchemaUpgrade() {
    }

    static void apply(Connection connection) throws SQLException {
        for (Column column : ADDED_COLUMNS) {
            if (exists(connection, column)) {
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
