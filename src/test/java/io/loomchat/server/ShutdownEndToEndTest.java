package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class ShutdownEndToEndTest extends EndToEndTest {

    @Test
    void aStoppedServerLeavesEveryoneOfflineAndARestartedOneLetsThemBackIn() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        TestUser carol = offlineUser("carol");
        alice.client().call("{\"msgid\":6,\"toid\":" + carol.id() + ",\"msg\":\"kept across restarts\"}");

        server.stop();
        assertTrue(alice.client().closedByServer(Duration.ofSeconds(5)), "connections are closed on shutdown");
        assertTrue(bob.client().closedByServer(Duration.ofSeconds(5)));
        assertEquals(0, countOnline(), "nobody is left online");

        server.restart();

        ChatClient aliceAgain = connect();
        aliceAgain.login(alice.id(), PASSWORD);
        connect().login(bob.id(), PASSWORD);
        assertEquals("kept across restarts",
                connect().login(carol.id(), PASSWORD).path("offlinemsg").get(0).path("msg").asText());
    }

    @Test
    void aShutdownFlushesWhatWasAlreadyQueued() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        for (int i = 0; i < 200; i++) {
            alice.client().send("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"m" + i + "\"}");
        }
        for (int i = 0; i < 200; i++) {
            assertEquals(0, alice.client().nextReply().path("errno").asInt());
        }
        server.stop();
        for (int i = 0; i < 200; i++) {
            assertEquals("m" + i, bob.client().next(6).path("msg").asText());
        }
        assertTrue(bob.client().closedByServer(Duration.ofSeconds(5)));
    }

    private int countOnline() {
        return server.database().query("SELECT COUNT(*) FROM User WHERE state = 'online'",
                rows -> rows.next() ? rows.getInt(1) : -1);
    }
}
