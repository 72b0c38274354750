package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.ServerProcess;
import io.loomchat.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private final List<ServerProcess> started = new ArrayList<>();

    @BeforeEach
    void createDatabase() {
        database = TestDatabase.create(backend);
        port = ServerProcess.freePort();
    }

    @AfterEach
    void stopProcessesAndDropDatabase() {
        for (ServerProcess process : started) {
            process.close();
        }
        database.close();
    }

    @Test
    void sigtermMarksEveryoneOfflineAndExits() {
        ServerProcess server = startServer();
        int alice;
        int exitCode;
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            alice = client.register("alice", PASSWORD);
            client.login(alice, PASSWORD);
            if (backend == Backend.MYSQL) { // an embedded H2 file is the running server's alone
                assertEquals("online", stateOf(alice));
            }
            exitCode = server.terminate(); // SIGTERM; fails the test unless it exits within 30 s
            assertTrue(client.closedByServer(Duration.ofSeconds(5)));
        }
        assertEquals(143, exitCode, "128 + SIGTERM, after the shutdown hook ran");
        assertEquals("offline", stateOf(alice));
    }

    @Test
    void afterKill9ARestartedServerLetsTheUserBackIn() {
        ServerProcess server = startServer();
        int alice;
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            alice = client.register("alice", PASSWORD);
            client.login(alice, PASSWORD);
        }
        // Let the dropped connection's sign-out finish, then log in for the crash to catch.
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            client.loginAfterDisconnect(alice, PASSWORD);
            server.kill9(); // no shutdown hook: presence stays "online" in the database
        }
        assertEquals("online", stateOf(alice), "the crash left the user marked online");

        ServerProcess restarted = startServer();
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            client.login(alice, PASSWORD);
        } finally {
            restarted.terminate();
        }
    }

    /**
     * PROTOCOL.md 2.3: a message is in the history within 1 second, and stays. A single server
     * writes its history store every 200 ms; what it acknowledged a second before a kill -9 is
     * there after the restart, in order, each message once.
     */
    @Test
    void afterKill9ARestartedServerShowsTheHistoryAcknowledgedASecondBefore() {
        ServerProcess server = startServer();
        List<String> sent = new ArrayList<>();
        int bob;
        int alice;
        try (ChatClient aliceClient = ChatClient.connect("127.0.0.1", port);
             ChatClient bobClient = ChatClient.connect("127.0.0.1", port)) {
            alice = aliceClient.register("alice", PASSWORD);
            bob = bobClient.register("bob", PASSWORD);
            aliceClient.login(alice, PASSWORD);
            for (int i = 1; i <= 120; i++) {
                String text = "before the crash " + i;
                var ack = aliceClient.call("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"" + text + "\"}");
                assertEquals(0, ack.path("errno").asInt(), ack::toString);
                sent.add(text);
            }
            io.loomchat.testing.Await.pause(Duration.ofSeconds(1));
            server.kill9();
        }
        ServerProcess restarted = startServer();
        try (ChatClient client = ChatClient.connect("127.0.0.1", port)) {
            client.login(bob, PASSWORD);
            List<String> shown = new ArrayList<>();
            String before = ""; // the newest page first, then each page before the last one's first mid
            while (true) {
                var page = client.call("{\"msgid\":18,\"with\":" + alice + before + "}");
                assertEquals(0, page.path("errno").asInt(), page::toString);
                List<String> texts = new ArrayList<>();
                page.path("messages").forEach(message -> texts.add(message.path("msg").asText()));
                shown.addAll(0, texts);
                if (!page.path("more").asBoolean() || page.path("messages").isEmpty()) {
                    break;
                }
                before = ",\"before\":" + page.path("messages").get(0).path("mid").asLong();
            }
            assertEquals(sent, shown, "every message acknowledged a second before the crash, in order, once");
        } finally {
            restarted.terminate();
        }
    }

    private ServerProcess startServer() {
        var config = database.config();
        ServerProcess server = ServerProcess.start("server " + port, port, List.of(
                "--db-url", config.url(), "--db-user", config.user(), "--db-password", config.password(),
                "--password-iterations", String.valueOf(RunningServer.TEST_PASSWORD_ITERATIONS)));
        started.add(server);
        return server;
    }

    private String stateOf(int id) {
        return database.query("SELECT state FROM User WHERE id = " + id, rows -> rows.next() ? rows.getString(1) : null);
    }
}
