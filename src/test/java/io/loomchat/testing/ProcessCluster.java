package io.loomchat.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A cluster of real `loomchat server` processes on one MariaDB/MySQL database of their own and
 * the shared Redis under a prefix of their own, optionally behind a real nginx running the
 * shipped configuration (which sends the PROXY protocol, so those servers expect it).
 */
public final class ProcessCluster implements AutoCloseable {

    /** Web ports are the TCP port + 1000: ./cluster's rule, and the spec's. */
    private static final int WEB_PORT_OFFSET = 1_000;

    private final TestDatabase database;
    private final String prefix;
    private final List<ServerProcess> servers = new ArrayList<>();
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
                int port = ServerProcess.freePort();
                if (web) {
                    args.addAll(List.of("--web-port", String.valueOf(port + WEB_PORT_OFFSET),
                            "--web-trusted-proxies", "127.0.0.1"));
                }
                cluster.servers.add(ServerProcess.start("server " + node, port, args));
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

    public ServerProcess server(int index) {
        return servers.get(index);
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
