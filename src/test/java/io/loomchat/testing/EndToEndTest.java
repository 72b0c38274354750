package io.loomchat.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.WebConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

/**
 * Base of the end-to-end tests: each test gets a fresh real server over a fresh database of
 * the backend its class is parameterized with (subclasses carry
 * {@code @ParameterizedClass @EnumSource(Backend.class)}), and clients over real TCP.
 */
public abstract class EndToEndTest {

    protected static final String PASSWORD = "s3cret";
    private static final AtomicInteger NAMES = new AtomicInteger();

    @Parameter
    protected Backend backend;

    protected RunningServer server;
    private final List<ChatClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = startServerFor(backend);
    }

    /** The server a test runs against; a subclass may tune its settings. */
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(TestDatabase.create(backend), true, RunningServer.defaultNetwork(),
                RunningServer.defaultService(), web());
    }

    /**
     * Whether the test's clients use WebSocket rather than TCP: a subclass that says so runs
     * every scenario of its parent over WebSocket, against a server with a web port.
     */
    protected boolean overWebSocket() {
        return false;
    }

    /** The web port a server of this test needs: none for TCP clients. */
    protected WebConfig web() {
        return overWebSocket() ? RunningServer.defaultWeb() : null;
    }

    @AfterEach
    void stopServer() {
        clients.forEach(ChatClient::close);
        if (server != null) {
            server.close();
        }
    }

    /** A connected client that the test closes at the end. */
    protected ChatClient connect() {
        ChatClient client = openClient();
        clients.add(client);
        return client;
    }

    /** How {@link #connect} reaches the server: TCP here; a subclass may use another transport. */
    protected ChatClient openClient() {
        return overWebSocket() ? server.connectWebSocket() : server.connect();
    }

    /** A user registered and logged in on a connection of its own. */
    protected TestUser newUser(String prefix) {
        ChatClient client = connect();
        String name = prefix + "-" + NAMES.incrementAndGet();
        int id = client.register(name, PASSWORD);
        JsonNode ack = client.login(id, PASSWORD);
        return new TestUser(id, name, client, ack);
    }

    /** A user registered on a connection that is closed again: offline until the test logs it in. */
    protected TestUser offlineUser(String prefix) {
        String name = prefix + "-" + NAMES.incrementAndGet();
        try (ChatClient client = server.connect()) {
            return new TestUser(client.register(name, PASSWORD), name, null, null);
        }
    }

    /** A registered user, its logged-in client (null while offline) and its login ack. */
    protected record TestUser(int id, String name, ChatClient client, JsonNode loginAck) {
    }
}
