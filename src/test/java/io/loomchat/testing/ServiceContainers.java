package io.loomchat.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

/**
 * MariaDB, Redis and nginx in containers, started with the settings compose.yaml gives them, on
 * the host's network: each listens on 127.0.0.1 at a port the caller chose free, so several
 * stacks (and the machine's own services) live side by side. Images from {@link Docker}.
 * The caller stops the containers it gets.
 */
public final class ServiceContainers {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Where compose.tls.yaml mounts the certificate and key into the nginx container. */
    public static final String TLS_DIRECTORY = "/etc/loomchat/tls";

    private ServiceContainers() {
    }

    /**
     * MariaDB with {@code environment} (MARIADB_* as the official image takes them), ready once
     * it serves its TCP port (after its initialisation, which runs on a socket only).
     */
    public static GenericContainer<?> mariaDb(int port, Map<String, String> environment) {
        return start("mariadb", new GenericContainer<>(Docker.mariaDbImage())
                .withNetworkMode("host")
                .withEnv(environment)
                .withCommand("--port=" + port, "--bind-address=127.0.0.1",
                        "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci")
                .waitingFor(Wait.forLogMessage(".*port: " + port + "\\s.*", 1).withStartupTimeout(START_TIMEOUT)));
    }

    /** Redis keeping an append-only file, as compose.yaml runs it. */
    public static GenericContainer<?> redis(int port) {
        return start("redis", new GenericContainer<>(Docker.redisImage())
                .withNetworkMode("host")
                .withCommand("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "yes", "--appendfsync", "everysec")
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1).withStartupTimeout(START_TIMEOUT)));
    }

    /**
     * nginx running nginx/loomchat.conf, rendered inside the container by nginx/render-conf
     * (which asks that nginx whether its stream module is built in or must be loaded), listening
     * on 127.0.0.1:{@code port} in front of chat servers on 127.0.0.1 at {@code upstreamPorts}.
     */
    public static GenericContainer<?> nginx(int port, List<Integer> upstreamPorts) {
        return nginx(port, upstreamPorts, 0, List.of(), null);
    }

    /**
     * As above, plus the http side (the page and /ws) on 127.0.0.1:{@code webPort} in front of
     * the servers' web ports {@code webUpstreamPorts} (0 and none: left out), and TLS on both
     * sides with {@code tls}'s certificate and key (null: plaintext), put where compose.tls.yaml
     * mounts them ({@value #TLS_DIRECTORY}).
     */
    public static GenericContainer<?> nginx(int port, List<Integer> upstreamPorts, int webPort,
            List<Integer> webUpstreamPorts, TestCertificates tls) {
        NginxAddresses addresses = new NginxAddresses(port, upstreamPorts, webPort, webUpstreamPorts,
                tls == null ? null : TLS_DIRECTORY + "/server.pem", tls == null ? null : TLS_DIRECTORY + "/server.key");
        List<String> render = new ArrayList<>(List.of("bash", "/etc/loomchat/render-conf", "--stdio-logs", "--user", "nginx"));
        render.addAll(addresses.renderOptions());
        String script = String.join(" ", render) + " > /tmp/nginx.conf && exec nginx -c /tmp/nginx.conf -g 'daemon off;'";
        GenericContainer<?> nginx = new GenericContainer<>(Docker.nginxImage())
                .withNetworkMode("host")
                .withCopyFileToContainer(MountableFile.forHostPath(Path.of("nginx/render-conf")), "/etc/loomchat/render-conf")
                .withCopyFileToContainer(MountableFile.forHostPath(Path.of("nginx/loomchat.conf")), "/etc/loomchat/loomchat.conf")
                .withCreateContainerCmdModifier(create -> create.withEntrypoint("bash", "-c", script))
                .waitingFor(Wait.forSuccessfulCommand("bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port + "'")
                        .withStartupTimeout(START_TIMEOUT));
        if (tls != null) {
            // Readable by root only, as on the host: nginx's master (root) reads them, its workers never do.
            nginx.withCopyFileToContainer(MountableFile.forHostPath(tls.certificate(), 0600), TLS_DIRECTORY + "/server.pem")
                    .withCopyFileToContainer(MountableFile.forHostPath(tls.key(), 0600), TLS_DIRECTORY + "/server.key");
        }
        return start("nginx", nginx);
    }

    /**
     * Every container of this class starts here, so this is where a machine without a Docker
     * engine is told so: the test is skipped saying why (or fails under CI), instead of erring
     * with Testcontainers' "Previous attempts to find a Docker environment failed".
     */
    private static GenericContainer<?> start(String name, GenericContainer<?> container) {
        Docker.require();
        container.withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("container " + name)));
        container.start();
        return container;
    }
}
