package io.loomchat.service;

import static io.loomchat.testing.InProcessChat.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.InProcessChat;
import io.loomchat.testing.InProcessChat.User;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A message goes to the offline store at the very moment its recipient logs in: the login ack
 * is built before the row exists. The recipient must still get it in this session, not at the
 * next login. The hook this test gives its service's router (run just before a message is
 * stored offline) makes the race happen every time; it belongs to this test's service alone.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class LoginRaceTest {

    @Parameter
    Backend backend;

    /** What runs just before a message is stored offline; nothing until a test says. */
    private final AtomicReference<Runnable> beforeStore = new AtomicReference<>(() -> { });
    private InProcessChat chat;

    @BeforeEach
    void start() {
        chat = InProcessChat.start(backend, (config, database, cluster, registry) ->
                new ChatService(config, database, cluster, registry, () -> beforeStore.get().run()));
    }

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void aMessageStoredWhileItsRecipientLogsInArrivesInThatSession() {
        User alice = chat.newUser("alice");
        User bob = chat.offlineUser("bob");
        ChatClient bobClient = chat.connect();
        AtomicReference<JsonNode> bobsLoginAck = new AtomicReference<>();
        AtomicBoolean once = new AtomicBoolean();
        // Alice's message has found bob offline; before it is stored, bob logs in completely.
        beforeStore.set(() -> {
            if (once.compareAndSet(false, true)) {
                bobsLoginAck.set(bobClient.login(bob.id(), PASSWORD));
            }
        });

        JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"just in time\"}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertEquals(0, bobsLoginAck.get().path("offlinemsg").size(), "the ack was built before the row existed");

        JsonNode pushed = bobClient.next(6);
        assertEquals("just in time", pushed.path("msg").asText());
        assertEquals(ack.path("mid").asLong(), pushed.path("mid").asLong());

        // Delivered once: not again live, and not again at the next login.
        bobClient.expectNothing(Duration.ofMillis(300));
        bobClient.call("{\"msgid\":3}");
        assertEquals(0, bobClient.login(bob.id(), PASSWORD).path("offlinemsg").size());
    }

    @Test
    void groupCopiesStoredWhileAMemberLogsInArriveInThatSession() {
        User alice = chat.newUser("alice");
        User bob = chat.newUser("bob");
        int groupId = alice.client().call("{\"msgid\":8,\"groupname\":\"race-" + alice.id() + "\"}").path("groupid").asInt();
        bob.client().call("{\"msgid\":9,\"groupid\":" + groupId + "}");
        bob.client().call("{\"msgid\":3}");
        AtomicBoolean once = new AtomicBoolean();
        beforeStore.set(() -> {
            if (once.compareAndSet(false, true)) {
                bob.client().login(bob.id(), PASSWORD);
            }
        });

        JsonNode ack = alice.client().call("{\"msgid\":10,\"groupid\":" + groupId + ",\"msg\":\"all hands\"}");
        assertEquals(1, ack.path("offline").asInt(), ack::toString);
        assertEquals("all hands", bob.client().next(10).path("msg").asText());
    }
}
