package io.loomchat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The JDBC plumbing every DAO shares: a pooled connection per call, prepared statements only,
 * try-with-resources everywhere, and SQLException turned into the store's own exceptions.
 */
final class Sql {

    @FunctionalInterface
    interface Binder {
        Binder NONE = statement -> { };

        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    <T> List<T> list(String what, String sql, Binder binder, RowMapper<T> mapper) {
        return withConnection(what, connection -> list(connection, sql, binder, mapper));
    }

    /** The first row mapped, or {@code null} when there is none. */
    <T> T first(String what, String sql, Binder binder, RowMapper<T> mapper) {
        List<T> rows = list(what, sql, binder, mapper);
        return rows.isEmpty() ? null : rows.get(0);
    }

    int update(String what, String sql, Binder binder) {
        return withConnection(what, connection -> update(connection, sql, binder));
    }

    long insert(String what, String sql, Binder binder) {
        return withConnection(what, connection -> insert(connection, sql, binder));
    }

    /** Runs {@code work} in one transaction: all of it commits, or none of it. */
    <T> T transaction(String what, Work<T> work) {
        return withConnection(what, connection -> inTransaction(connection, work));
    }

    /** Statements on a connection of the pool that have nothing to return. */
    @FunctionalInterface
    interface Statements {
        void run() throws SQLException;
    }

    /** Runs {@code statements} on {@code connection} in one transaction. */
    static void inTransaction(Connection connection, Statements statements) throws SQLException {
        inTransaction(connection, c -> {
            statements.run();
            return null;
        });
    }

    private static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    <T> T withConnection(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    static <T> List<T> list(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
                return result;
            }
        }
    }

    static int update(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    /** Runs an INSERT and returns the AUTO_INCREMENT key it generated. */
    static long insert(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            binder.bind(statement);
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the database returned no generated key");
                }
                return keys.getLong(1);
            }
        }
    }

    /** Values per IN list, far below any driver's limit on parameters. */
    static final int IN_CHUNK = 500;

    /** Binds ints to parameters 1..n, for an IN list. */
    static Binder ints(List<Integer> values) {
        return statement -> {
            for (int i = 0; i < values.size(); i++) {
                statement.setInt(i + 1, values.get(i));
            }
        };
    }

    /** Runs {@code work} once per chunk of at most {@link #IN_CHUNK} values. */
    static <T> void chunked(List<T> values, java.util.function.Consumer<List<T>> work) {
        for (int from = 0; from < values.size(); from += IN_CHUNK) {
            work.accept(values.subList(from, Math.min(values.size(), from + IN_CHUNK)));
        }
    }

    /** "?, ?, ?" for an IN list of {@code count} values. */
    static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    static StoreException translate(String what, SQLException e) {
        return DuplicateKeyException.isDuplicateKey(e)
                ? new DuplicateKeyException(what, e)
                : new StoreException(what, e);
    }
}
