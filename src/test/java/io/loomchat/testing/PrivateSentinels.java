package io.loomchat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis master, one replica and three Sentinels of the test's own (quorum 2, a master is
 * taken for down after {@link #DOWN_AFTER_MILLIS}), on free ports of 127.0.0.1 in a temp
 * directory, for tests that kill the master under a running cluster. Nothing is persisted; the
 * replica holds what the master had replicated to it when it died, as in production. Every
 * process is a real {@code redis-server} (Debian's binary runs a Sentinel with {@code --sentinel}).
 */
public final class PrivateSentinels implements AutoCloseable {

    public static final String MASTER_NAME = "loomchat";
    public static final int DOWN_AFTER_MILLIS = 1_000;
    /** Short, so that a second failover in the same test is not held back by the first. */
    private static final int FAILOVER_TIMEOUT_MILLIS = 3_000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final Path directory;
    /** The two Redis servers; which one is master changes with each failover. */
    private final List<Node> servers = new ArrayList<>();
    private final List<Node> sentinels = new ArrayList<>();

    private PrivateSentinels(Path binary, Path directory) {
        this.binary = binary;
        this.directory = directory;
    }

    /** Starts the five processes and returns once the Sentinels know the replica and each other. */
    public static PrivateSentinels create() {
        Path binary = Executables.find("redis-server", Path.of("/usr/bin/redis-server"))
                .orElseThrow(() -> Prerequisite.missing("redis-server not found (apt-get install redis-server)"));
        PrivateSentinels set;
        try {
            set = new PrivateSentinels(binary, Files.createTempDirectory("loomchat-sentinel-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            int[] ports = freePorts(5);
            Node master = set.server(ports[0], null);
            Node replica = set.server(ports[1], ports[0]);
            for (int i = 0; i < 3; i++) {
                set.sentinel(ports[2 + i], ports[0]);
            }
            master.start();
            replica.start();
            set.sentinels.forEach(Node::start);
            set.awaitReady(master, replica);
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private Node server(int port, Integer replicaOf) {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--dbfilename", "dump-" + port + ".rdb",
                "--daemonize", "no"));
        if (replicaOf != null) {
            args.addAll(List.of("--replicaof", "127.0.0.1", replicaOf.toString()));
        }
        Node node = new Node("redis-" + port, port, args);
        servers.add(node);
        return node;
    }

    private void sentinel(int port, int masterPort) {
        // A file of its own for each: a Sentinel rewrites its configuration as it learns.
        Path conf = directory.resolve("sentinel-" + port + ".conf");
        String text = String.join("\n",
                "port " + port, "bind 127.0.0.1", "daemonize no", "dir " + directory,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
                "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
                "sentinel parallel-syncs " + MASTER_NAME + " 1", "");
        try {
            Files.writeString(conf, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sentinels.add(new Node("sentinel-" + port, port, List.of(conf.toString(), "--sentinel")));
    }

    /** Replica in sync, and each Sentinel knows the replica and the two other Sentinels. */
    private void awaitReady(Node master, Node replica) {
        await("the replica to sync with the master", START_TIMEOUT, () -> replica.info("replication")
                .contains("master_link_status:up"));
        for (Node sentinel : sentinels) {
            await(sentinel.name + " to know the replica and the other Sentinels", START_TIMEOUT, () -> {
                Map<String, String> state = sentinel.sentinelMaster();
                return "1".equals(state.get("num-slaves")) && "2".equals(state.get("num-other-sentinels"));
            });
        }
    }

    /** As the server's {@code --redis} option takes it. */
    public String url() {
        return "redis-sentinel://" + sentinels.stream().map(node -> "127.0.0.1:" + node.port)
                .collect(Collectors.joining(",")) + "/" + MASTER_NAME;
    }

    /** The master as a running Sentinel names it now. */
    public HostAndPort master() {
        for (Node sentinel : sentinels) {
            if (sentinel.isRunning()) {
                try (Jedis jedis = sentinel.connect()) {
                    List<String> hostAndPort = jedis.sentinelGetMasterAddrByName(MASTER_NAME);
                    return new HostAndPort(hostAndPort.get(0), Integer.parseInt(hostAndPort.get(1)));
                } catch (JedisException e) {
                    // ask the next one
                }
            }
        }
        throw new IllegalStateException("no Sentinel answers");
    }

    /** A client of the current master; the caller closes it. */
    public Jedis connectMaster() {
        return connectTo(master().getPort());
    }

    /** SIGKILL to the current master; returns its port, for {@link #restart}. */
    public int killMaster() {
        int port = master().getPort();
        serverOn(port).kill();
        return port;
    }

    /**
     * Starts the killed server again as it would come back after a crash: empty, and believing
     * it is master. The Sentinels turn it into a replica of the new master (about eight seconds
     * after they see it up, by Sentinel's design); returns when it has synced as one.
     */
    public void restartAsReplica(int port, Duration timeout) {
        Node node = serverOn(port);
        node.start();
        await("redis on " + port + " to come back as a replica in sync", timeout, () -> {
            String replication = node.info("replication");
            return replication.contains("role:slave") && replication.contains("master_link_status:up");
        });
    }

    /**
     * SIGSTOP to the server that is not master now: it stays connected to the master, which
     * then waits in vain for its acknowledgements, as behind a stalled replica in production.
     */
    public void pauseReplica() {
        replica().signal("STOP");
    }

    /** SIGCONT to the replica {@link #pauseReplica} stopped; it catches up with the master at once. */
    public void resumeReplica() {
        replica().signal("CONT");
    }

    private Node replica() {
        int masterPort = master().getPort();
        return servers.stream().filter(node -> node.port != masterPort).findFirst()
                .orElseThrow(() -> new IllegalStateException("this set has no replica"));
    }

    /** SIGKILL to Sentinel {@code index} (0-2); the other two still make the quorum and a majority. */
    public void killSentinel(int index) {
        sentinels.get(index).kill();
    }

    private Node serverOn(int port) {
        return servers.stream().filter(node -> node.port == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Redis server of this set on port " + port));
    }

    private static Jedis connectTo(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).build());
    }

    @Override
    public void close() {
        sentinels.forEach(Node::kill);
        servers.forEach(Node::kill);
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    private static int[] freePorts(int count) {
        List<ServerSocket> probes = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) { // held together, so that no two are the same
                ServerSocket probe = new ServerSocket(0);
                probes.add(probe);
                ports[i] = probe.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket probe : probes) {
                try {
                    probe.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Polls {@code condition} (failures to connect count as not yet) until it holds or time is up. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (JedisException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
        throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what + " in vain", last);
    }

    /** One redis-server process, started (again) with the same arguments, logging to a file of its own. */
    private final class Node {
        final String name;
        final int port;
        final List<String> args;
        Process process;

        Node(String name, int port, List<String> args) {
            this.name = name;
            this.port = port;
            this.args = args;
        }

        void start() {
            List<String> command = new ArrayList<>();
            command.add(binary.toString());
            command.addAll(args);
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve(name + ".log").toFile())).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
            await(name + " to answer PING (see " + directory.resolve(name + ".log") + ")", START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited; see " + directory.resolve(name + ".log"));
                }
                try (Jedis jedis = connectTo(port)) {
                    return "PONG".equals(jedis.ping());
                }
            });
        }

        boolean isRunning() {
            return process != null && process.isAlive();
        }

        /** SIGKILL, and waits for the process to be gone. */
        void kill() {
            if (process == null) {
                return;
            }
            process.destroyForcibly();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(name + " survived SIGKILL for 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while killing " + name, e);
            }
        }

        void signal(String signal) {
            try {
                Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
                if (kill.waitFor() != 0) {
                    throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while signalling " + name, e);
            }
        }

        String info(String section) {
            try (Jedis jedis = connectTo(port)) {
                return jedis.info(section);
            }
        }

        Map<String, String> sentinelMaster() {
            try (Jedis jedis = connectTo(port)) {
                return jedis.sentinelMaster(MASTER_NAME);
            }
        }

        Jedis connect() {
            return connectTo(port);
        }
    }
}
