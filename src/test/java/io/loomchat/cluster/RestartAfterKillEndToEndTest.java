package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ProcessCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server killed with {@code kill -9} and started again at once, before the other servers have
 * noticed it gone: it cleans up after its previous run itself (its users go offline, their
 * friends are told) and serves again. Its start used to hang there, waiting for the Redis
 * pipeline that it started only afterwards.
 */
class RestartAfterKillEndToEndTest {

    private static final String PASSWORD = "s3cret";

    private ProcessCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = ProcessCluster.start(List.of("a", "b"), false);
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    @Test
    void aServerRestartedAtOnceAfterKill9AnnouncesItsUsersOfflineAndServesAgain() {
        try (ChatClient bob = ChatClient.connect("127.0.0.1", cluster.server(1).port())) {
            int bobId = bob.register("bob", PASSWORD);
            bob.login(bobId, PASSWORD);
            int aliceId;
            try (ChatClient alice = ChatClient.connect("127.0.0.1", cluster.server(0).port())) {
                aliceId = alice.register("alice", PASSWORD);
                alice.login(aliceId, PASSWORD);
                assertEquals(0, alice.call("{\"msgid\":7,\"friendid\":" + bobId + "}").path("errno").asInt());
                bob.next(16);
                cluster.server(0).kill9();
            }
            cluster.restart(0); // fails the test if it does not listen within a minute

            JsonNode offline = bob.next(f -> f.path("msgid").asInt() == 14 && f.path("state").asText().equals("offline"),
                    "alice going offline", Duration.ofSeconds(20));
            assertEquals(aliceId, offline.path("id").asInt());
            try (ChatClient again = ChatClient.connect("127.0.0.1", cluster.server(0).port())) {
                assertEquals(0, again.login(aliceId, PASSWORD).path("errno").asInt());
                assertEquals("online", bob.next(14).path("state").asText());
            }
        }
    }
}
