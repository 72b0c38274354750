package io.loomchat.testing;

import io.loomchat.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A database of its own for one test. MySQL comes from the environment:
 * {@code LOOMCHAT_TEST_MYSQL_URL} (default {@code jdbc:mysql://127.0.0.1:3306/}),
 * {@code LOOMCHAT_TEST_MYSQL_USER} (root) and {@code LOOMCHAT_TEST_MYSQL_PASSWORD} (empty).
 * When {@code LOOMCHAT_TEST_MYSQL_URL} is unset and no MySQL answers at the default address but a
 * Docker engine does, a MariaDB container stands in ({@link FallbackServices}; always, with
 * {@code LOOMCHAT_TEST_SERVICES=containers}). When none can be had the test fails under
 * {@code CI=true}, and is skipped, saying why, elsewhere.
 */
public final class TestDatabase implements AutoCloseable {

    private static final String DEFAULT_MYSQL_URL = "jdbc:mysql://127.0.0.1:3306/";
    private static final String MYSQL_USER = env("LOOMCHAT_TEST_MYSQL_USER", "root");
    private static final String MYSQL_PASSWORD = env("LOOMCHAT_TEST_MYSQL_PASSWORD", "");

    private static final ReentrantLock URL_LOCK = new ReentrantLock();
    /** Guarded by URL_LOCK; chosen once per test run. */
    private static String mysqlUrl;

    private final Backend backend;
    private final StoreConfig config;
    private final Path directory;
    private final String schemaName;

    private TestDatabase(Backend backend, StoreConfig config, Path directory, String schemaName) {
        this.backend = backend;
        this.config = config;
        this.directory = directory;
        this.schemaName = schemaName;
    }

    public static TestDatabase create(Backend backend) {
        return backend == Backend.H2 ? createH2() : createMySql();
    }

    private static TestDatabase createH2() {
        try {
            Path directory = Files.createTempDirectory("loomchat-h2-");
            return new TestDatabase(Backend.H2,
                    new StoreConfig(StoreConfig.embeddedUrl(directory.resolve("loomchat")), "", ""), directory, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestDatabase createMySql() {
        String schema = "loomchat_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(mysqlUrl(), MYSQL_USER, MYSQL_PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            String why = "MySQL at " + mysqlUrl() + " is unreachable (" + e.getMessage()
                    + "); set LOOMCHAT_TEST_MYSQL_URL to a running MySQL or MariaDB";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why, e);
            }
            Assumptions.abort(why);
        }
        String url = mysqlUrl() + (mysqlUrl().endsWith("/") ? "" : "/") + schema;
        return new TestDatabase(Backend.MYSQL, new StoreConfig(url, MYSQL_USER, MYSQL_PASSWORD), null, schema);
    }

    public Backend backend() {
        return backend;
    }

    public StoreConfig config() {
        return config;
    }

    /** Runs one statement directly, to check what the server stored. */
    public <T> T query(String sql, SqlFunction<T> reader) {
        return query(config.url(), sql, reader);
    }

    private <T> T query(String url, String sql, SqlFunction<T> reader) {
        String user = backend == Backend.MYSQL ? MYSQL_USER : "";
        String password = backend == Backend.MYSQL ? MYSQL_PASSWORD : "";
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            return reader.apply(rows);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Reads a result set. */
    @FunctionalInterface
    public interface SqlFunction<T> {
        T apply(java.sql.ResultSet rows) throws SQLException;
    }

    @Override
    public void close() {
        if (schemaName != null) {
            try (Connection connection = DriverManager.getConnection(mysqlUrl(), MYSQL_USER, MYSQL_PASSWORD);
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + schemaName);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop " + schemaName, e);
            }
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The server the test databases are created in (without a database name). */
    private static String mysqlUrl() {
        URL_LOCK.lock();
        try {
            if (mysqlUrl == null) {
                mysqlUrl = chooseMysqlUrl();
            }
            return mysqlUrl;
        } finally {
            URL_LOCK.unlock();
        }
    }

    private static String chooseMysqlUrl() {
        String configured = System.getenv("LOOMCHAT_TEST_MYSQL_URL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (FallbackServices.forced()) {
            return FallbackServices.mariaDbUrl();
        }
        try (Connection probe = DriverManager.getConnection(DEFAULT_MYSQL_URL, MYSQL_USER, MYSQL_PASSWORD)) {
            return DEFAULT_MYSQL_URL;
        } catch (SQLException notHere) {
            return Docker.available() ? FallbackServices.mariaDbUrl() : DEFAULT_MYSQL_URL;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
