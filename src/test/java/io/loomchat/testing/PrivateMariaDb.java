package io.loomchat.testing;

import io.loomchat.store.StoreConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A MariaDB server of the test's own, in a temporary data directory on a free port, for tests
 * that stop the database: the shared one is never touched. Needs {@code mariadb-install-db}
 * and {@code mariadbd} (Debian's mariadb-server); without them the test fails under
 * {@code CI=true} and is skipped elsewhere.
 */
public final class PrivateMariaDb implements AutoCloseable {

    private static final Path INSTALL = Path.of("/usr/bin/mariadb-install-db");
    private static final Path DAEMON = Path.of("/usr/sbin/mariadbd");

    private final Path directory;
    private final int port;
    private Process daemon;

    private PrivateMariaDb(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    public static PrivateMariaDb start() throws IOException, InterruptedException {
        if (!Files.isExecutable(INSTALL) || !Files.isExecutable(DAEMON)) {
            String why = "MariaDB binaries missing (" + INSTALL + ", " + DAEMON + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        Path directory = Files.createTempDirectory("loomchat-mariadb-");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process install = new ProcessBuilder(INSTALL.toString(), "--no-defaults", "--datadir=" + directory.resolve("data"),
                "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db")
                .redirectErrorStream(true).redirectOutput(directory.resolve("install.log").toFile()).start();
        if (!install.waitFor(60, TimeUnit.SECONDS) || install.exitValue() != 0) {
            throw new IllegalStateException("mariadb-install-db failed, see " + directory.resolve("install.log"));
        }
        PrivateMariaDb db = new PrivateMariaDb(directory, port);
        db.startDaemon();
        try (Connection connection = DriverManager.getConnection(db.rootUrl(), "root", "")) {
            connection.createStatement().execute("CREATE DATABASE loomchat CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            db.close();
            throw new IllegalStateException("cannot create the test database", e);
        }
        return db;
    }

    /** Starts mariadbd over the existing data directory and waits until it answers. */
    public void startDaemon() throws IOException, InterruptedException {
        daemon = new ProcessBuilder(DAEMON.toString(), "--no-defaults", "--datadir=" + directory.resolve("data"),
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + directory.resolve("mysqld.sock"),
                "--user=root", "--skip-log-bin", "--innodb-buffer-pool-size=16M")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        directory.resolve("mariadbd.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection ignored = DriverManager.getConnection(rootUrl(), "root", "")) {
                return;
            } catch (SQLException notYet) {
                if (System.nanoTime() > deadline || !daemon.isAlive()) {
                    throw new IllegalStateException("mariadbd did not start, see " + directory.resolve("mariadbd.log"),
                            notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Kills mariadbd outright, as a crash or a pulled cable would look to the server. */
    public void kill() throws InterruptedException {
        daemon.destroyForcibly();
        daemon.waitFor(30, TimeUnit.SECONDS);
    }

    /** Store settings that give up on the database after {@code timeout}, to keep the test quick. */
    public StoreConfig storeConfig(Duration timeout) {
        return new StoreConfig(rootUrl() + "loomchat", "root", "", 4, timeout);
    }

    private String rootUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() throws IOException {
        if (daemon != null) {
            daemon.destroyForcibly();
            try {
                daemon.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

}
