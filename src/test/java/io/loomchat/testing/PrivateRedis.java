package io.loomchat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A redis-server of the test's own, on a free port of 127.0.0.1, for tests that kill Redis
 * under a running cluster: the shared Redis on 6379 is never touched. Nothing is persisted
 * ({@code --save "" --appendonly no}), so a restarted Redis comes back empty, as one that lost
 * its memory would. Needs {@code redis-server} (Debian's redis-server); without it the test
 * fails under {@code CI=true} and is skipped elsewhere.
 */
public final class PrivateRedis implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 30;

    private final Path binary;
    private final Path directory;
    private final int port;
    private final boolean appendOnly;
    private Process process;

    private PrivateRedis(Path binary, Path directory, int port, boolean appendOnly) {
        this.binary = binary;
        this.directory = directory;
        this.port = port;
        this.appendOnly = appendOnly;
    }

    /** Starts a new private Redis that keeps nothing on disk, and waits until it answers PING. */
    public static PrivateRedis create() {
        return create(false);
    }

    /**
     * Starts a new private Redis with its append-only file (as LoomChat's deployments run it), so
     * that a restart after {@link #kill()} comes back with everything it acknowledged.
     */
    public static PrivateRedis createWithAppendOnlyFile() {
        return create(true);
    }

    private static PrivateRedis create(boolean appendOnly) {
        Path binary = Executables.find("redis-server", Path.of("/usr/bin/redis-server"))
                .orElseThrow(() -> Prerequisite.missing("redis-server not found (apt-get install redis-server)"));
        try {
            Path directory = Files.createTempDirectory("loomchat-redis-");
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            PrivateRedis redis = new PrivateRedis(binary, directory, port, appendOnly);
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts redis-server (again, after {@link #kill()}) on the same port and waits for PING. */
    public void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is already running");
        }
        List<String> command = List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--dir", directory.toString(), "--daemonize", "no");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        awaitPing();
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (true) {
            try (Jedis jedis = connect()) {
                jedis.ping();
                return;
            } catch (JedisDataException refused) {
                // A Redis reading its append-only file answers "LOADING" until it is done: not up yet.
                if (!String.valueOf(refused.getMessage()).startsWith("LOADING")) {
                    throw refused;
                }
                giveUpAfter(deadline, refused);
            } catch (JedisConnectionException notYet) {
                giveUpAfter(deadline, notYet);
            }
            sleep(50);
        }
    }

    private void giveUpAfter(long deadline, RuntimeException notYet) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
            throw new IllegalStateException("redis-server did not start on port " + port + ", see " + log(), notYet);
        }
    }

    /** SIGKILL: Redis vanishes as in a crash, without closing its clients' connections politely. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing redis-server", e);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    /** As the server's {@code --redis} option takes it. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** A client of this Redis; the caller closes it. */
    public Jedis connect() {
        return TestRedis.connect(url());
    }

    private Path log() {
        return directory.resolve("redis.log");
    }

    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }
}
