package io.loomchat.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's database: one HikariCP pool and the DAOs over it. Opening it creates any
 * missing table from {@code sql/schema.sql}.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final String SCHEMA_RESOURCE = "/sql/schema.sql";
    /** The embedded history file's table (UserConversation; the messages are in the history store). */
    private static final String EMBEDDED_HISTORY_SCHEMA_RESOURCE = "/sql/history-embedded.sql";

    private final HikariDataSource pool;
    /** The embedded database's history file (see {@link StoreConfig#historyUrl}); null when history shares {@link #pool}. */
    private final HikariDataSource historyPool;
    private final UserDao users;
    private final FriendDao friends;
    private final GroupDao groups;
    private final OfflineMessageDao offlineMessages;
    private final TokenDao tokens;
    private final DeviceDao devices;
    private final HistoryRows historyRows;
    private final HistoryDao history;
    private final ConversationDao conversations;

    private Database(HikariDataSource pool, HikariDataSource historyPool, HistoryRows historyRows) {
        this.pool = pool;
        this.historyPool = historyPool;
        Sql sql = new Sql(pool);
        this.users = new UserDao(sql);
        this.friends = new FriendDao(sql);
        this.groups = new GroupDao(sql);
        this.offlineMessages = new OfflineMessageDao(sql);
        this.tokens = new TokenDao(sql);
        this.devices = new DeviceDao(sql);
        Sql historySql = historyPool == null ? sql : new Sql(historyPool);
        this.historyRows = historyRows;
        this.history = new HistoryDao(historyRows);
        this.conversations = new ConversationDao(historySql, historyRows);
    }

    /** Connects, creates missing tables, and returns the ready database. */
    public static Database open(StoreConfig config) {
        return open(config, null);
    }

    /** As {@link #open(StoreConfig)}, with the pool's metrics in {@code metrics} (null: none). */
    public static Database open(StoreConfig config, MeterRegistry metrics) {
        HikariDataSource pool = openPool(config, "loomchat-db", config.url(), config.poolSize(), metrics, SCHEMA_RESOURCE);
        if (config.historyUrl().equals(config.url())) {
            return new Database(pool, null, new SqlHistoryRows(new Sql(pool)));
        }
        HikariDataSource historyPool = null;
        try {
            historyPool = openPool(config, "loomchat-history", config.historyUrl(), HISTORY_POOL_SIZE, null,
                    EMBEDDED_HISTORY_SCHEMA_RESOURCE);
            return new Database(pool, historyPool, StoredHistoryRows.open(config.historyStoreFile(), new Sql(historyPool)));
        } catch (RuntimeException e) {
            if (historyPool != null) {
                historyPool.close();
            }
            pool.close();
            throw e;
        }
    }

    /** The history file's connections: its writers and the HISTORY reads. */
    private static final int HISTORY_POOL_SIZE = 4;

    /** A pool over {@code url}, with the tables of {@code schemaResource} created. */
    private static HikariDataSource openPool(StoreConfig config, String name, String url, int size, MeterRegistry metrics,
            String schemaResource) {
        HikariConfig hikari = new HikariConfig();
        if (metrics != null) {
            hikari.setMetricRegistry(metrics);
        }
        hikari.setPoolName(name);
        hikari.setJdbcUrl(url);
        if (!config.embedded()) {
            hikari.setUsername(config.user());
            hikari.setPassword(config.password());
        }
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(Math.min(2, size));
        hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
        hikari.setValidationTimeout(Math.min(config.connectionTimeout().toMillis(), 2_000));
        // Fail at start-up, with the driver's own reason, when the database is unreachable.
        hikari.setInitializationFailTimeout(config.connectionTimeout().toMillis());
        if (config.url().startsWith("jdbc:mysql:")) {
            hikari.addDataSourceProperty("cachePrepStmts", "true");
            hikari.addDataSourceProperty("prepStmtCacheSize", "64");
            hikari.addDataSourceProperty("useServerPrepStmts", "true");
            hikari.addDataSourceProperty("rewriteBatchedStatements", "true");
            hikari.addDataSourceProperty("characterEncoding", "UTF-8");
            hikari.addDataSourceProperty("connectionCollation", "utf8mb4_unicode_ci");
        }
        HikariDataSource pool = connect(hikari);
        try {
            createSchema(pool, schemaResource);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    /** Starts the pool; an unreachable database becomes a {@link StoreException} saying why. */
    private static HikariDataSource connect(HikariConfig hikari) {
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sqlException) {
                    throw new StoreException("cannot connect", sqlException);
                }
            }
            throw e;
        }
    }

    private static void createSchema(HikariDataSource pool, String schemaResource) {
        List<String> statements = schemaStatements(schemaResource);
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
            SchemaUpgrade.apply(connection);
        } catch (SQLException e) {
            throw Sql.translate("cannot create the schema", e);
        }
        LOG.info("database ready ({} schema statements checked)", statements.size());
    }

    /** The statements of schema.sql. */
    static List<String> schemaStatements() {
        return schemaStatements(SCHEMA_RESOURCE);
    }

    /** The statements of a schema file: comment lines dropped, split at each {@code ;} ending a line. */
    private static List<String> schemaStatements(String schemaResource) {
        String text;
        try (InputStream in = Database.class.getResourceAsStream(schemaResource)) {
            if (in == null) {
                throw new IllegalStateException(schemaResource + " is missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                statements.add(current.substring(0, current.lastIndexOf(";")));
                current.setLength(0);
            }
        }
        return statements;
    }

    /** Connections the pool holds at most: how much database work this server can do at once. */
    public int poolSize() {
        return pool.getMaximumPoolSize();
    }

    /** Whether the database answers now (a pooled connection that validates within 2 s). */
    public boolean isReachable() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    public UserDao users() {
        return users;
    }

    public FriendDao friends() {
        return friends;
    }

    public GroupDao groups() {
        return groups;
    }

    public OfflineMessageDao offlineMessages() {
        return offlineMessages;
    }

    public TokenDao tokens() {
        return tokens;
    }

    public DeviceDao devices() {
        return devices;
    }

    public HistoryDao history() {
        return history;
    }

    /** Conversations and read marks (protocol 2.3); beside the history, on its connections. */
    public ConversationDao conversations() {
        return conversations;
    }

    @Override
    public void close() {
        try {
            historyRows.close();
        } finally {
            if (historyPool != null) {
                historyPool.close();
            }
            pool.close();
        }
    }
}
