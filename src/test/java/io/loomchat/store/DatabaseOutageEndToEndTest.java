package io.loomchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.LoomChatServer;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.PrivateMariaDb;
import io.loomchat.testing.RunningServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The database dies under a running server and comes back: requests that need it are refused
 * with errno 10 (nothing half done, nothing acknowledged that was not kept), live chat goes on,
 * and the server recovers by itself.
 */
class DatabaseOutageEndToEndTest {

    @Test
    void requestsNeedingTheDatabaseGetErrno10WhileItIsDownAndWorkAgainAfter() throws Exception {
        try (PrivateMariaDb mariadb = PrivateMariaDb.start();
             LoomChatServer server = LoomChatServer.start(
                     RunningServer.settings(mariadb.storeConfig(Duration.ofSeconds(1))).build());
             ChatClient alice = ChatClient.connect("127.0.0.1", server.port());
             ChatClient bob = ChatClient.connect("127.0.0.1", server.port());
             ChatClient newcomer = ChatClient.connect("127.0.0.1", server.port())) {
            int aliceId = alice.register("alice", "pw");
            int bobId = alice.register("bob", "pw");
            int carolId = alice.register("carol", "pw");
            alice.login(aliceId, "pw");
            bob.login(bobId, "pw");

            mariadb.kill();

            JsonNode toOffline = alice.call("{\"msgid\":6,\"toid\":" + carolId + ",\"msg\":\"lost?\"}");
            assertEquals(10, toOffline.path("errno").asInt(), "a message that cannot be stored is not acknowledged");
            assertEquals(10, newcomer.call("{\"msgid\":4,\"name\":\"dan\",\"password\":\"pw\"}").path("errno").asInt());
            assertEquals(10, newcomer.call("{\"msgid\":1,\"id\":" + carolId + ",\"password\":\"pw\"}").path("errno").asInt());
            assertEquals(10, alice.call("{\"msgid\":8,\"groupname\":\"g\"}").path("errno").asInt());

            JsonNode live = alice.call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"still here\"}");
            assertEquals(0, live.path("errno").asInt(), "live chat needs no database");
            assertEquals("still here", bob.next(6).path("msg").asText());
            assertEquals(13, alice.call("{\"msgid\":12}").path("msgid").asInt());

            mariadb.startDaemon();

            // The pool reconnects in the background with a backoff of up to a few seconds; until
            // then a client retrying gets errno 10, which promises that nothing was stored.
            JsonNode stored;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do {
                stored = alice.call("{\"msgid\":6,\"toid\":" + carolId + ",\"msg\":\"kept\"}");
            } while (stored.path("errno").asInt() == 10 && System.nanoTime() < deadline);
            assertEquals(0, stored.path("errno").asInt(), stored::toString);
            assertEquals("offline", stored.path("stored").asText());
            JsonNode login = newcomer.login(carolId, "pw");
            assertEquals(1, login.path("offlinemsg").size(), "only the acknowledged message was kept: " + login);
            assertEquals("kept", login.path("offlinemsg").get(0).path("msg").asText());
        }
    }
}
