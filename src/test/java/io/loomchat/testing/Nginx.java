package io.loomchat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * A real nginx in front of chat servers, running the shipped {@code nginx/loomchat.conf}:
 * {@code nginx/render-conf} (the renderer {@code ./cluster} uses) changes only its listen
 * address, upstream servers, pid and log paths, so a test exercises the production settings.
 * nginx runs in the foreground ({@code daemon off}) as this JVM's child, with its own prefix,
 * pid file and logs in a temporary directory, listening on a free port of 127.0.0.1.
 * Without nginx or its stream module, an nginx container stands in when a Docker engine
 * answers ({@link ServiceContainers#nginx}, the same configuration rendered inside it; always,
 * with {@code LOOMCHAT_TEST_SERVICES=containers}); without either the test fails under
 * {@code CI=true} and is skipped elsewhere, naming the Debian packages.
 */
public final class Nginx implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 20;
    /** SIGTERM is nginx's fast shutdown: it closes every session at once. */
    private static final long STOP_TIMEOUT_SECONDS = 10;
    /** render-conf's exit code for "nginx or its stream module is missing". */
    private static final int MISSING = 3;

    private final Path directory;
    private final int port;
    /** The http side's port, or 0 without one. */
    private final int webPort;
    private final Process master;
    /** The stand-in container, or null when nginx runs here as {@link #master}. */
    private final GenericContainer<?> container;

    private Nginx(Path directory, int port, int webPort, Process master, GenericContainer<?> container) {
        this.directory = directory;
        this.port = port;
        this.webPort = webPort;
        this.master = master;
        this.container = container;
    }

    /** Starts nginx balancing over chat servers listening on 127.0.0.1 at {@code upstreamPorts}. */
    public static Nginx start(List<Integer> upstreamPorts) {
        return start(upstreamPorts, List.of(), null);
    }

    /**
     * As above, plus the http side over the servers' web ports {@code webUpstreamPorts} (none:
     * left out), and TLS on both sides with {@code tls}'s certificate (null: plaintext). The
     * container fallback serves the plain stream side only.
     */
    public static Nginx start(List<Integer> upstreamPorts, List<Integer> webUpstreamPorts, TestCertificates tls) {
        boolean plainStream = webUpstreamPorts.isEmpty() && tls == null;
        if (plainStream && (FallbackServices.forced() || (!localNginxUsable() && Docker.available()))) {
            int port = ServerProcess.freePort();
            return new Nginx(null, port, 0, null, ServiceContainers.nginx(port, upstreamPorts));
        }
        return startHere(upstreamPorts, webUpstreamPorts, tls);
    }

    /** Whether render-conf finds an nginx with the stream module on this machine. */
    private static boolean localNginxUsable() {
        try {
            Process check = new ProcessBuilder("bash", projectRoot().resolve("nginx/render-conf").toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() != MISSING;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Nginx startHere(List<Integer> upstreamPorts, List<Integer> webUpstreamPorts, TestCertificates tls) {
        Path directory;
        try {
            directory = Files.createTempDirectory("loomchat-nginx-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return start(directory, upstreamPorts, webUpstreamPorts, tls);
        } catch (RuntimeException | Error e) {
            // Also when the test is skipped for want of nginx: leave no directory behind.
            try {
                deleteTree(directory);
            } catch (UncheckedIOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static Nginx start(Path directory, List<Integer> upstreamPorts, List<Integer> webUpstreamPorts,
                               TestCertificates tls) {
        Path renderer = projectRoot().resolve("nginx/render-conf");
        try {
            int port = freePort();
            int webPort = webUpstreamPorts.isEmpty() ? 0 : freePort();
            NginxAddresses addresses = new NginxAddresses(port, upstreamPorts, webPort, webUpstreamPorts,
                    tls == null ? null : tls.certificate().toString(), tls == null ? null : tls.key().toString());
            List<String> render = new ArrayList<>(List.of("bash", renderer.toString(), "--run-dir", directory.toString(),
                    // Started by root, nginx would otherwise switch its workers to www-data,
                    // which may not exist; without `user` they run as nobody (or as us).
                    "--no-user"));
            render.addAll(addresses.renderOptions());
            Path config = directory.resolve("nginx.conf");
            run(render, config, directory);
            Path binary = Path.of(run(List.of("bash", renderer.toString(), "--which-nginx"), null, directory).strip());
            Process master = new ProcessBuilder(binary.toString(), "-p", directory.toString(), "-c", config.toString(),
                    "-e", directory.resolve("logs/error.log").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(directory.resolve("logs/nginx.out").toFile()).start();
            Nginx nginx = new Nginx(directory, port, webPort, master, null);
            nginx.awaitAccepting(port);
            if (webPort != 0) {
                nginx.awaitAccepting(webPort);
            }
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the renderer; its stdout goes to {@code output} (or is returned when null). Exit code
     * 3 means nginx or the stream module is missing: a prerequisite, not a test failure.
     */
    private static String run(List<String> command, Path output, Path directory) throws IOException {
        Path stdout = output != null ? output : directory.resolve("render.out");
        Path stderr = directory.resolve("render.err");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        int exit;
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 30 s");
            }
            exit = process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
        String errors = Files.readString(stderr, StandardCharsets.UTF_8).strip();
        if (exit == MISSING) {
            throw Prerequisite.missing(errors);
        }
        if (exit != 0) {
            throw new IllegalStateException(command + " exited with " + exit + ": " + errors);
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** nginx is ready when its port accepts; each probe is proxied to a chat server and closed. */
    private void awaitAccepting(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return;
            } catch (IOException notYet) {
                if (!master.isAlive() || System.nanoTime() > deadline) {
                    String why = master.isAlive() ? "does not accept on port " + port : "exited with " + master.exitValue();
                    String logs = logs();
                    stop();
                    throw new IllegalStateException("nginx " + why + ":\n" + logs, notYet);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while waiting for nginx", e);
            }
        }
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /** The http side's port (the page and /ws); only for an nginx started with web upstreams. */
    public int webPort() {
        if (webPort == 0) {
            throw new IllegalStateException("this nginx was started without the http side");
        }
        return webPort;
    }

    /** One line per finished session, in nginx/loomchat.conf's {@code loomchat} format. */
    public String accessLog() throws IOException {
        if (container != null) {
            return container.getLogs(OutputFrame.OutputType.STDOUT);
        }
        return Files.readString(directory.resolve("logs/access.log"), StandardCharsets.UTF_8);
    }

    private String logs() throws IOException {
        return Files.readString(directory.resolve("logs/nginx.out"), StandardCharsets.UTF_8)
                + Files.readString(directory.resolve("logs/error.log"), StandardCharsets.UTF_8);
    }

    /** Stops nginx and deletes its directory. */
    @Override
    public void close() {
        if (container != null) {
            container.stop();
            return;
        }
        stop();
        deleteTree(directory);
    }

    /**
     * SIGTERM, then SIGKILL for the master and its workers if it hangs: workers do not die with
     * a killed master, and one left behind would keep the port.
     */
    private void stop() {
        try {
            master.destroy();
            if (!master.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                master.descendants().forEach(ProcessHandle::destroyForcibly);
                master.destroyForcibly();
                master.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            master.descendants().forEach(ProcessHandle::destroyForcibly);
            master.destroyForcibly();
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    /** Tests run from the Maven project directory, where nginx/ lives. */
    private static Path projectRoot() {
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isRegularFile(root.resolve("nginx/render-conf"))) {
            throw new IllegalStateException("nginx/render-conf not found under " + root
                    + "; run the tests from the project directory");
        }
        return root;
    }
}
