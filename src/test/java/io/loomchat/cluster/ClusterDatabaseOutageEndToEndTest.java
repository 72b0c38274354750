package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.LoomChatServer;
import io.loomchat.store.StoreConfig;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.PrivateMariaDb;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cluster's database (a private MariaDB) dies under cross-server chat and comes back: live
 * chat between servers goes on, what needs the database is refused with errno 10 and not
 * acknowledged, and every acknowledged message arrives exactly once.
 */
class ClusterDatabaseOutageEndToEndTest {

    @Test
    void crossServerChatGoesOnAndNothingAcknowledgedIsLostWhileTheDatabaseIsAway() throws Exception {
        TestRedis.requireReachable();
        String prefix = TestRedis.uniquePrefix();
        try (PrivateMariaDb mariadb = PrivateMariaDb.start()) {
            // While the database is away each message to carol waits this out twice (her devices,
            // then her user), 30 times: at 1 s that was a minute of the suite. A pooled connection
            // to a live database is handed out in microseconds, so half a second is still plenty.
            StoreConfig store = mariadb.storeConfig(Duration.ofMillis(500));
            try (LoomChatServer first = node(store, prefix, "n0");
                 LoomChatServer second = node(store, prefix, "n1");
                 ChatClient alice = ChatClient.connect("127.0.0.1", first.port());
                 ChatClient bob = ChatClient.connect("127.0.0.1", second.port());
                 ChatClient carolLater = ChatClient.connect("127.0.0.1", second.port())) {
                int aliceId = alice.register("alice", "pw");
                int bobId = alice.register("bob", "pw");
                int carolId = alice.register("carol", "pw");
                alice.login(aliceId, "pw");
                bob.login(bobId, "pw");

                Set<String> toBob = new HashSet<>();
                Set<String> toCarol = new HashSet<>();
                int n = 0;
                for (; n < 30; n++) {
                    send(alice, bobId, "b" + n, toBob);
                    send(alice, carolId, "c" + n, toCarol);
                }
                mariadb.kill();
                for (int i = 0; i < 30; i++, n++) {
                    JsonNode live = send(alice, bobId, "b" + n, toBob);
                    assertEquals(0, live.path("errno").asInt(), "live chat across servers needs no database: " + live);
                    JsonNode stored = send(alice, carolId, "c" + n, toCarol);
                    assertEquals(10, stored.path("errno").asInt(), "a message that cannot be stored is refused: " + stored);
                }
                mariadb.startDaemon();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                JsonNode stored;
                do {
                    stored = send(alice, carolId, "c" + n++, toCarol);
                } while (stored.path("errno").asInt() == 10 && System.nanoTime() < deadline);
                assertEquals(0, stored.path("errno").asInt(), stored::toString);

                List<String> bobGot = new ArrayList<>();
                while (bobGot.size() < toBob.size()) {
                    bobGot.add(bob.next(6).path("msg").asText());
                }
                bob.expectNothing(Duration.ofMillis(300));
                assertEquals(toBob, new HashSet<>(bobGot));
                assertEquals(bobGot.size(), toBob.size(), "none twice");

                JsonNode login = carolLater.login(carolId, "pw");
                List<String> carolGot = new ArrayList<>();
                login.path("offlinemsg").forEach(message -> carolGot.add(message.path("msg").asText()));
                assertEquals(toCarol, new HashSet<>(carolGot), "exactly the acknowledged ones were kept");
                assertEquals(carolGot.size(), toCarol.size(), "none twice");
            } finally {
                TestRedis.deleteKeys(prefix);
            }
        }
    }

    private static LoomChatServer node(StoreConfig store, String prefix, String name) throws Exception {
        return LoomChatServer.start(RunningServer.settings(store).cluster(ClusterConfig.of(TestRedis.url(), name, prefix))
                .build());
    }

    /** Sends a chat message and records its text when the server acknowledged it. */
    private static JsonNode send(ChatClient client, int to, String text, Set<String> acknowledged) {
        JsonNode ack = client.call("{\"msgid\":6,\"toid\":" + to + ",\"msg\":\"" + text + "\"}");
        if (ack.path("errno").asInt() == 0) {
            acknowledged.add(text);
        }
        return ack;
    }
}
