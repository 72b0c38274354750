package io.loomchat.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster of real `loomchat server` processes on one MariaDB/MySQL database of their own and
 * the shared Redis under a prefix of their own, optionally behind a real nginx running the
 * shipped configuration (which sends the PROXY protocol, so those servers expect it).
 */
public final class ProcessCluster implements AutoCloseable {

    /** Web ports are the TCP port + 1000: ./cluster's rule, and the spec's. */
    public static final int WEB_PORT_OFFSET = 1_000;

    private final TestDatabase database;
    private final String prefix;
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    /** The options each server was started with, to restart it the same way. */
    private final List<List<String>> arguments = new ArrayList<>();
    private Nginx nginx;

    private ProcessCluster(TestDatabase database, String prefix) {
        this.database = database;
        this.prefix = prefix;
    }

    /** Servers named {@code nodes}, behind nginx when {@code behindNginx}; extra server options last. */
    public static ProcessCluster start(List<String> nodes, boolean behindNginx, String... extraOptions) {
        return start(nodes, behindNginx, false, null, extraOptions);
    }

    /**
     * Servers named {@code nodes}, each with a web port (its TCP port + 1000, as ./cluster does),
     * behind nginx's stream and http sides, with nginx terminating TLS with {@code tls} (null:
     * plaintext) on both. The servers themselves speak plaintext on the private side.
     */
    public static ProcessCluster startBehindNginxWithWeb(List<String> nodes, TestCertificates tls,
                                                         String... extraOptions) {
        return start(nodes, true, true, tls, extraOptions);
    }

    /** Servers named {@code nodes}, each with a web port (its TCP port + 1000), without nginx. */
    public static ProcessCluster startWithWebPorts(List<String> nodes, String... extraOptions) {
        return start(nodes, false, true, null, extraOptions);
    }

    private static ProcessCluster start(List<String> nodes, boolean behindNginx, boolean web, TestCertificates tls,
                                        String... extraOptions) {
        TestRedis.requireReachable();
        ProcessCluster cluster = new ProcessCluster(TestDatabase.create(Backend.MYSQL), TestRedis.uniquePrefix());
        try {
            var config = cluster.database.config();
            for (String node : nodes) {
                List<String> args = new ArrayList<>(List.of(
                        "--db-url", config.url(), "--db-user", config.user(), "--db-password", config.password(),
                        "--redis", TestRedis.url(), "--node-id", node, "--channel-prefix", cluster.prefix,
                        "--password-iterations", String.valueOf(RunningServer.TEST_PASSWORD_ITERATIONS),
                        "--max-requests-per-second", "0"));
                if (behindNginx) {
                    args.add("--proxy-protocol");
                }
                args.addAll(List.of(extraOptions));
                int port = web ? freePortWithWebPort() : ServerProcess.freePort();
                if (web) {
                    args.addAll(List.of("--web-port", String.valueOf(port + WEB_PORT_OFFSET)));
                    if (behindNginx) {
                        args.addAll(List.of("--web-trusted-proxies", "127.0.0.1"));
                    }
                }
                cluster.names.add("server " + node);
                cluster.arguments.add(List.copyOf(args));
                cluster.servers.add(ServerProcess.start("server " + node, port, args));
                if (web) {
                    awaitAccepting(port + WEB_PORT_OFFSET);
                }
            }
            if (behindNginx) {
                List<Integer> ports = cluster.servers.stream().map(ServerProcess::port).toList();
                List<Integer> webPorts = web ? ports.stream().map(port -> port + WEB_PORT_OFFSET).toList() : List.of();
                cluster.nginx = Nginx.start(ports, webPorts, tls);
            }
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * The server prints "listening on" when its TCP port is up; its web port opens right after.
     * A browser sent to it a moment too early would show an error page instead of the client.
     */
    private static void awaitAccepting(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the web port " + port + " does not accept", notYet);
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for web port " + port, e);
            }
        }
    }

    /** A free port whose web port (+{@value #WEB_PORT_OFFSET}) is free too. */
    private static int freePortWithWebPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ServerProcess.freePort();
            if (ServerProcess.isFree(port + WEB_PORT_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free pair of ports " + WEB_PORT_OFFSET + " apart");
    }

    /**
     * Starts server {@code index} again, with the same ports and options, after it was killed or
     * stopped: a server coming back as an operator (or systemd) would bring it back.
     */
    public ServerProcess restart(int index) {
        ServerProcess old = servers.get(index);
        if (old.isAlive()) {
            throw new IllegalStateException(names.get(index) + " is still running");
        }
        ServerProcess again = ServerProcess.start(names.get(index), old.port(), arguments.get(index));
        servers.set(index, again);
        if (arguments.get(index).contains("--web-port")) {
            awaitAccepting(webPort(index));
        }
        return again;
    }

    public ServerProcess server(int index) {
        return servers.get(index);
    }

    /** The web port of server {@code index}; only for a cluster started with web ports. */
    public int webPort(int index) {
        return servers.get(index).port() + WEB_PORT_OFFSET;
    }

    /** nginx's port; only for a cluster started behind nginx. */
    public int nginxPort() {
        return nginx.port();
    }

    /** nginx's http side (the page and /ws); only for a cluster started with web ports. */
    public int nginxWebPort() {
        return nginx.webPort();
    }

    public TestDatabase database() {
        return database;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        if (nginx != null) {
            nginx.close();
        }
        servers.forEach(ServerProcess::close);
        database.close();
        TestRedis.deleteKeys(prefix);
    }
}
