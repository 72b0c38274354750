package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol 2.1: a reconnecting client logs in with the token of its last login instead of its password. */
@ParameterizedClass
@EnumSource(Backend.class)
class ResumeTokenEndToEndTest extends EndToEndTest {

    @Test
    void aPasswordLoginGivesATokenThatLogsInOnAnotherConnectionWithoutThePassword() {
        TestUser alice = newUser("alice");
        String token = alice.loginAck().path("token").asText();
        assertTrue(token.length() >= 16 && token.length() <= 128, token);
        assertFalse(token.contains(PASSWORD));
        long sevenDays = Duration.ofDays(7).toMillis();
        long expires = alice.loginAck().path("token_expires").asLong();
        assertTrue(Math.abs(expires - (System.currentTimeMillis() + sevenDays)) < 60_000, "expires in 7 days: " + expires);

        alice.client().close(); // the connection drops; the token stays good
        ChatClient again = connect();
        JsonNode ack = tokenLogin(again, alice.id(), token);
        while (ack.path("errno").asInt() == 2) { // until the dropped connection is signed out
            ack = tokenLogin(again, alice.id(), token);
        }
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertEquals(alice.name(), ack.path("name").asText());
        assertEquals(0, again.call("{\"msgid\":12}").path("errno").asInt());
    }

    @Test
    void aWrongTokenOrAnotherUsersTokenIsRefusedLikeAWrongPassword() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        String bobsToken = bob.loginAck().path("token").asText();
        alice.client().call("{\"msgid\":3}");

        for (String token : new String[] {"x".repeat(43), bobsToken, "short"}) {
            JsonNode refused = tokenLogin(connect(), alice.id(), token);
            assertEquals(2, refused.path("msgid").asInt());
            assertEquals(1, refused.path("errno").asInt(), refused::toString);
            assertEquals("id or password is invalid!", refused.path("errmsg").asText());
        }
    }

    @Test
    void loggingOutRevokesTheTokenOfThatSession() {
        TestUser alice = newUser("alice");
        String token = alice.loginAck().path("token").asText();
        assertEquals(0, alice.client().call("{\"msgid\":3}").path("errno").asInt());
        assertEquals(1, tokenLogin(connect(), alice.id(), token).path("errno").asInt());
        // The password still works, and gives a new token.
        JsonNode ack = alice.client().login(alice.id(), PASSWORD);
        assertFalse(ack.path("token").asText().equals(token));
    }

    @Test
    void anExpiredTokenIsRefused() throws InterruptedException {
        TestDatabase database = server.database();
        server.stop();
        server = RunningServer.start(database, false, RunningServer.defaultNetwork(),
                RunningServer.defaultService().withLogin(LoginPolicy.defaults().withTokenLifetime(Duration.ofMillis(500))));
        try {
            TestUser alice = newUser("alice");
            alice.client().close();
            Thread.sleep(700);
            assertEquals(1, tokenLogin(connect(), alice.id(), alice.loginAck().path("token").asText()).path("errno").asInt());
        } finally {
            server.stop();
            server = RunningServer.start(database, true, RunningServer.defaultNetwork(), RunningServer.defaultService());
        }
    }

    @Test
    void theLegacyDialectGetsTheClassicLoginAckWithoutAToken() {
        ChatClient client = connect();
        int id = client.register("carol", PASSWORD); // modern frame: it fixes nothing for the next connection
        ChatClient legacy = connect();
        legacy.sendRaw(("{\"msgid\":1,\"id\":" + id + ",\"password\":\"" + PASSWORD + "\"}\0").getBytes());
        JsonNode ack = legacy.next(2);
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertFalse(ack.has("token"), ack::toString);
        assertFalse(ack.has("pending"), ack::toString);
    }

    private static JsonNode tokenLogin(ChatClient client, int id, String token) {
        return client.call("{\"msgid\":1,\"id\":" + id + ",\"token\":" + ChatClient.quote(token) + "}");
    }
}
