package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** `loomchat server` as a real process, stopped by signals as an operator or a crash would. */
@ParameterizedClass
@EnumSource(Backend.class)
class ServerProcessEndToEndTest {

    private static final String PASSWORD = "pw";

    @Parameter
    Backend backend;

    private TestDatabase database;
    private int port;
    /** Every process a test started, so that a failing assertion does not leave one running. */
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void createDatabase() throws IOException {
        database = TestDatabase.create(backend);
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
    }

    @AfterEach
    void stopProcessesAndDropDatabase() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        database.close();
    }

    @Test
    void sigtermMarksEveryoneOfflineAndExits() throws Exception {
        Process server = startServer();
        int alice;
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            alice = client.register("alice", PASSWORD);
            client.login(alice, PASSWORD);
            if (backend == Backend.MYSQL) { // an embedded H2 file is the running server's alone
                assertEquals("online", stateOf(alice));
            }
            server.destroy(); // SIGTERM
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
            assertTrue(client.closedByServer(java.time.Duration.ofSeconds(5)));
        }
        assertEquals(143, server.exitValue(), "128 + SIGTERM, after the shutdown hook ran");
        assertEquals("offline", stateOf(alice));
    }

    @Test
    void afterKill9ARestartedServerLetsTheUserBackIn() throws Exception {
        Process server = startServer();
        int alice;
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            alice = client.register("alice", PASSWORD);
            client.login(alice, PASSWORD);
        }
        // Let the dropped connection's sign-out finish, then log in for the crash to catch.
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            client.loginAfterDisconnect(alice, PASSWORD);
            server.destroyForcibly(); // SIGKILL: no shutdown hook, presence stays "online" in the database
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals("online", stateOf(alice), "the crash left the user marked online");

        Process restarted = startServer();
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            client.login(alice, PASSWORD);
        } finally {
            restarted.destroy();
            restarted.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process startServer() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        var config = database.config();
        List<String> command = List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "io.loomchat.cli.LoomChat", "server", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--db-url", config.url(), "--db-user", config.user(), "--db-password", config.password(),
                "--password-iterations", String.valueOf(RunningServer.TEST_PASSWORD_ITERATIONS));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.out.println("[server " + port + "] " + line);
                    if (line.contains("listening on")) {
                        listening.complete(true);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.complete(false);
        });
        try {
            assertTrue(listening.get(60, TimeUnit.SECONDS), "the server process did not start");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("the server process did not start", e);
        }
        return process;
    }

    private String stateOf(int id) {
        return database.query("SELECT state FROM User WHERE id = " + id, rows -> rows.next() ? rows.getString(1) : null);
    }
}
