package io.loomchat.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the data lives and how many connections to it the server keeps.
 *
 * @param url               JDBC URL: {@code jdbc:mysql://...} for a cluster, {@code jdbc:h2:...} embedded
 * @param user              database user (ignored by the embedded default)
 * @param password          database password
 * @param poolSize          JDBC connections shared by every request of this server
 * @param connectionTimeout how long a request waits for a pooled connection before it is
 *                          answered "temporarily unavailable"
 */
public record StoreConfig(String url, String user, String password, int poolSize, Duration connectionTimeout) {

    /**
     * The embedded default: an H2 file database under {@code ./data/}, in MySQL mode so that the
     * same SQL runs on both. {@code USER} is a keyword in H2 but the classic table is named User.
     * {@code WRITE_DELAY=0} hands every commit to the OS at once: by default H2 keeps up to a
     * second of commits in memory, which a kill -9 would lose (registrations, offline messages).
     * {@code DB_CLOSE_ON_EXIT=FALSE} stops H2's own shutdown hook from closing the database
     * while ours still signs users out; the pool closes it last.
     */
    public static final String EMBEDDED_URL = embeddedUrl(Path.of("data", "loomchat"));
    public static final int DEFAULT_POOL_SIZE = 16;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    public StoreConfig {
        if (url == null || !url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("--db-url must be a JDBC URL (jdbc:mysql://... or jdbc:h2:...), not " + url);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("the database pool size must be positive, not " + poolSize);
        }
        if (connectionTimeout == null || connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("the database connection timeout must be at least 250 ms");
        }
        if (url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:")) {
            throw new IllegalArgumentException("an embedded H2 database must be a local file (jdbc:h2:file:...) or in"
                    + " memory (jdbc:h2:mem:...), not a server (" + url + "): the history's store is a file beside it;"
                    + " a shared database is MySQL/MariaDB (jdbc:mysql://...)");
        }
    }

    public StoreConfig(String url, String user, String password) {
        this(url, user, password, DEFAULT_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** An embedded H2 URL for a database stored at {@code base} (H2 adds {@code .mv.db}). */
    public static String embeddedUrl(Path base) {
        return "jdbc:h2:file:" + base.toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=USER"
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=4096";
    }

    /**
     * Where the conversation history (protocol 2.3) lives. MySQL/MariaDB: the same database. The
     * embedded H2: a file of its own beside the main one ({@code loomchat-history.mv.db}), which
     * H2 writes to disk every {@link #HISTORY_WRITE_DELAY_MILLIS} ms instead of at every commit.
     * Why: with {@code WRITE_DELAY=0} every commit rewrites each page it touched, and a commit of
     * the history touches a page of each conversation in it (its key is conversation, mid): at 100
     * conversations chatting, history on cost the single server 53% of its throughput; with its
     * own file (and the other changes of that record) it keeps 85% (loadtest/results/
     * 2026-12-06-devices-history.md). The
     * price: a kill -9 of a single server may lose the last fraction of a second of its history
     * (never a message: those are delivered or in the offline store, written at once), as 2.2
     * keeps nothing across a single server's own sudden death either.
     */
    public String historyUrl() {
        if (!embedded()) {
            return url;
        }
        int cut = url.indexOf(';');
        String base = cut < 0 ? url : url.substring(0, cut);
        String options = cut < 0 ? "" : url.substring(cut).replaceAll("(?i);WRITE_DELAY=[0-9]+", "");
        return base + "-history" + options + ";WRITE_DELAY=" + HISTORY_WRITE_DELAY_MILLIS;
    }

    /**
     * The embedded server's message history: a file of its own beside the database
     * ({@code <base>-messages.mvstore}, see StoredHistoryRows); null for an in-memory database,
     * whose history is in memory too. Only for an embedded URL.
     */
    public Path historyStoreFile() {
        if (!embedded()) {
            throw new IllegalStateException("only the embedded database keeps its history in a store of its own");
        }
        int cut = url.indexOf(';');
        String location = (cut < 0 ? url : url.substring(0, cut)).substring("jdbc:h2:".length());
        if (location.startsWith("mem:")) {
            return null;
        }
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
        }
        if (location.startsWith("~")) {
            location = System.getProperty("user.home") + location.substring(1);
        }
        return Path.of(location + "-messages.mvstore").toAbsolutePath();
    }

    /** How long the embedded history file may hold commits before they go to disk. */
    public static final int HISTORY_WRITE_DELAY_MILLIS = 200;

    public boolean embedded() {
        return url.startsWith("jdbc:h2:");
    }
}
