package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code loomchat client} in a process of its own, in script mode (its stdin is a
 * pipe): a test writes commands to it and waits for the lines it prints, failing with the
 * whole transcript when an expected line does not come in time.
 */
final class ClientProcess implements AutoCloseable {

    /**
     * How long an expected line may take. Generous: a client process's first line comes after a
     * JVM start and, with TLS, a handshake, and the suite runs four test JVMs on two cores (a
     * registration through nginx over TLS once took 19 s under load). A passing test never waits
     * it out; only a failing one does.
     */
    static final Duration WAIT = Duration.ofSeconds(40);

    /**
     * The XDG_CONFIG_HOME of every client a test starts without one of its own: the device file
     * goes there, not into the home of whoever runs the tests. Shared by the whole test run, as
     * one installation is, so that a user's client started again is the same device.
     */
    private static final Path SHARED_CONFIG_HOME = temporaryDirectory("loomchat-client-config-");

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    /** Everything printed, for failure messages. */
    private final List<String> transcript = new CopyOnWriteArrayList<>();

    private ClientProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().name("client-output-" + name).daemon(true).start(this::pump);
    }

    /**
     * Starts a client against 127.0.0.1:{@code port}, with {@code password} in LOOMCHAT_PASSWORD
     * (none when null). The command line is the test JVM's own java and class path.
     */
    static ClientProcess start(String name, int port, String password, String... args) {
        return start(name, port, password, Map.of("XDG_CONFIG_HOME", SHARED_CONFIG_HOME.toString()), args);
    }

    /** As {@link #start(String, int, String, String...)}, with these environment variables set. */
    static ClientProcess start(String name, int port, String password, Map<String, String> environment,
                               String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A short-lived client needs no optimizing compiler; it starts faster without.
                "-XX:TieredStopAtLevel=1", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"),
                "io.loomchat.cli.LoomChat", "client", "--host", "127.0.0.1", "--port", Integer.toString(port)));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("LOOMCHAT_PASSWORD");
        builder.environment().remove("LOOMCHAT_HOST");
        builder.environment().remove("LOOMCHAT_PORT");
        if (password != null) {
            builder.environment().put("LOOMCHAT_PASSWORD", password);
        }
        builder.environment().putAll(environment);
        try {
            return new ClientProcess(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    static Path temporaryDirectory(String prefix) {
        try {
            Path directory = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(directory)));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /** Best effort, at the end of the test run: what is left in a temporary directory harms nobody. */
    private static void deleteTree(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + directory + ": " + e);
        }
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                transcript.add(line);
                unread.add(line);
            }
        } catch (IOException e) {
            transcript.add("(reading the client's output failed: " + e + ")");
        }
    }

    /** Types one command. */
    ClientProcess send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(name + " no longer reads commands", e);
        }
    }

    /** Waits for a line containing {@code fragment}; lines before it are passed over. */
    String await(String fragment) {
        return await(Pattern.compile(Pattern.quote(fragment))).group();
    }

    /** Waits for a line in which {@code pattern} is found; lines before it are passed over. */
    Matcher await(Pattern pattern) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (true) {
                String line = unread.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    return fail(name + ": no line matching /" + pattern + "/ within " + WAIT.toSeconds()
                            + " s. It printed:\n  " + String.join("\n  ", transcript));
                }
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for /" + pattern + "/", e);
        }
    }

    /** Every line printed so far that contains {@code fragment}. */
    List<String> printed(String fragment) {
        return transcript.stream().filter(line -> line.contains(fragment)).toList();
    }

    /** Closes stdin (end of the script) and returns the exit code. */
    int awaitExit() {
        try {
            stdin.close();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                fail(name + " did not exit within " + WAIT.toSeconds() + " s. It printed:\n  "
                        + String.join("\n  ", transcript));
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String transcript() {
        return String.join("\n", transcript);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
