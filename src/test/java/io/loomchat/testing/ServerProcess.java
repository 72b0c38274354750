package io.loomchat.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code loomchat server} as a real process of its own, for tests that stop servers the way an
 * operator or a crash does (SIGTERM, SIGKILL). It runs the test JVM's java on the test class
 * path, listens on 127.0.0.1, and its output is echoed to the test's, each line prefixed with
 * the name given, so that the logs of several servers stay apart.
 */
public final class ServerProcess implements AutoCloseable {

    private static final int FIRST_PORT = 20_000;
    private static final int LAST_PORT = 32_000;
    /** Slices of the range, one per fork of the suite (its forkCount in pom.xml). */
    private static final int FORKS_SLICED = 4;
    private static final int PORT_SLICE = (LAST_PORT - FIRST_PORT) / FORKS_SLICED;
    /** Surefire's number of this forked JVM (1, 2, ...), or 0 outside the suite's forks. */
    private static final int FORK = Integer.getInteger("loomchat.test.fork", 0);
    /** Every port {@link #freePort} handed out (or found taken) in this JVM. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long STOP_TIMEOUT_SECONDS = 30;

    private final String name;
    private final int port;
    private final Process process;
    /** Every line the process printed so far. */
    private final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ServerProcess(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts {@code loomchat server --host 127.0.0.1 --port <port> <args>} and returns once it
     * printed that it listens (on every port it was given); fails the test if that does not happen within 60 s.
     */
    public static ServerProcess start(String name, int port, List<String> args) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(),
                // A test's server lives for seconds: the optimizing compiler would spend more CPU
                // than it saves, CPU that the test classes running beside it on two cores need.
                "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "io.loomchat.cli.LoomChat", "server", "--host", "127.0.0.1", "--port", String.valueOf(port)));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Only the arguments configure the server, whatever the test's environment holds.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("LOOMCHAT_"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        ServerProcess server = new ServerProcess(name, port, process);
        server.awaitListening();
        return server;
    }

    /**
     * A port that was free a moment ago, for a server that must come back on the same one. It is
     * taken below Linux's ephemeral range (32768-60999), where outgoing connections of a busy box
     * (load tests, nginx) would otherwise grab it between this check and the server's bind.
     *
     * <p>The check is over before the server binds, and a server process takes a second or two to
     * start, so two callers must not be handed one port in that time: this JVM never hands out a
     * port twice, and each of the suite's forked JVMs takes its ports from a slice of the range of
     * its own (surefire's fork number, {@code loomchat.test.fork}). Without that, two servers
     * were once given the same port and the second died with "Address already in use".
     */
    public static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        int from = FORK > 0 ? FIRST_PORT + PORT_SLICE * ((FORK - 1) % FORKS_SLICED) : FIRST_PORT;
        int to = FORK > 0 ? from + PORT_SLICE : LAST_PORT;
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = random.nextInt(from, to);
            if (!HANDED_OUT.add(candidate)) {
                continue; // handed out before: its server may not have bound it yet
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new java.net.InetSocketAddress("127.0.0.1", candidate));
                return candidate;
            } catch (IOException taken) {
                // taken by something else: stays in the set, and another is tried
            }
        }
        throw new IllegalStateException("no free port between " + from + " and " + to);
    }

    /** Whether {@code port} of 127.0.0.1 can be bound right now. */
    public static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private void awaitListening() {
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        Thread.ofVirtual().name("output-" + name).start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.out.println("[" + name + "] " + line);
                    output.add(line);
                    // The command's own line, printed once every port (chat, web, metrics) listens.
                    if (line.contains("loomchat server listening on")) {
                        listening.complete(true);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.complete(false); // the output ended before "listening on": the process exited
        });
        try {
            if (!listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(name + ": the server process exited before listening"
                        + exitCode().map(code -> " (exit code " + code + ")").orElse(""));
            }
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError(name + ": the server process did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while " + name + " was starting", e);
        }
    }

    private Optional<Integer> exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Optional.of(process.exitValue())
                    : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public int port() {
        return port;
    }

    /** The lines the server printed (stdout and stderr) so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    /** The server's process id, for tools that kill it themselves (the load test's failover). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash: no shutdown hook runs. Returns once the process is gone. */
    public void kill9() {
        process.destroyForcibly();
        awaitExit("SIGKILL");
    }

    /**
     * SIGTERM, as an operator stopping the server, and waits for it to exit (30 s at most, else
     * the test fails). Returns the exit code: 143 after a clean shutdown.
     */
    public int terminate() {
        process.destroy();
        awaitExit("SIGTERM");
        return process.exitValue();
    }

    private void awaitExit(String signal) {
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(name + ": the server did not stop on " + signal + " within "
                        + STOP_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
        }
    }

    /** Kills the process if a test left it running (an assertion failed before it stopped it). */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }
}
