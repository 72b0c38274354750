package io.loomchat.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.cluster.Cluster;
import io.loomchat.cluster.SingleNode;
import io.loomchat.service.ChatService;
import io.loomchat.service.ServiceConfig;
import io.loomchat.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chat service of a single server over a real database of its own, with clients that reach
 * it without a network ({@link ChatClient#connectInProcess}): the fast tier of the tests. No port,
 * no process; one scenario takes milliseconds, and tests may run side by side.
 */
public final class InProcessChat implements AutoCloseable {

    public static final String PASSWORD = "s3cret";

    /** How a test builds its service: the public constructor, or one of the service package's with a hook. */
    @FunctionalInterface
    public interface ServiceFactory {
        ChatService create(ServiceConfig config, Database database, Cluster cluster, MeterRegistry registry);
    }

    /** A registered user, its logged-in client (null while offline) and its login ack (null while offline). */
    public record User(int id, String name, ChatClient client, JsonNode loginAck) {
    }

    private final TestDatabase testDatabase;
    private final Database database;
    private final Cluster cluster = new SingleNode();
    private final ChatService service;
    private final List<ChatClient> clients = new ArrayList<>();
    private final AtomicInteger names = new AtomicInteger();

    private InProcessChat(TestDatabase testDatabase, ServiceFactory factory) {
        this.testDatabase = testDatabase;
        MeterRegistry registry = new CompositeMeterRegistry();
        this.database = Database.open(testDatabase.config(), registry);
        try {
            this.service = factory.create(RunningServer.defaultService(), database, cluster, registry);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public static InProcessChat start(Backend backend) {
        return start(backend, ChatService::new);
    }

    public static InProcessChat start(Backend backend, ServiceFactory factory) {
        TestDatabase testDatabase = TestDatabase.create(backend);
        try {
            return new InProcessChat(testDatabase, factory);
        } catch (RuntimeException e) {
            testDatabase.close();
            throw e;
        }
    }

    /** A connected client that {@link #close} closes. */
    public ChatClient connect() {
        ChatClient client = ChatClient.connectInProcess(service);
        clients.add(client);
        return client;
    }

    /** A user registered and logged in on a client of its own. */
    public User newUser(String prefix) {
        ChatClient client = connect();
        String name = prefix + "-" + names.incrementAndGet();
        int id = client.register(name, PASSWORD);
        return new User(id, name, client, client.login(id, PASSWORD));
    }

    /** A user registered on a client that is gone again: offline until the test logs it in. */
    public User offlineUser(String prefix) {
        String name = prefix + "-" + names.incrementAndGet();
        try (ChatClient client = ChatClient.connectInProcess(service)) {
            return new User(client.register(name, PASSWORD), name, null, null);
        }
    }

    public ChatService service() {
        return service;
    }

    @Override
    public void close() {
        try {
            clients.forEach(ChatClient::close);
            service.close();
            cluster.close();
            database.close();
        } finally {
            testDatabase.close();
        }
    }
}
