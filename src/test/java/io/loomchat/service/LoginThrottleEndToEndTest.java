package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Failed logins slow a guesser down, per user id and per client address, and never for long. */
@ParameterizedClass
@EnumSource(Backend.class)
class LoginThrottleEndToEndTest extends EndToEndTest {

    private static final int PER_USER = 3;
    private static final int PER_ADDRESS = 6;
    private static final Duration FIRST = Duration.ofMillis(300);
    private static final Duration MAX = Duration.ofMillis(1_200);

    @Override
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(io.loomchat.testing.TestDatabase.create(backend), true, RunningServer.defaultNetwork(),
                RunningServer.defaultService().withLogin(LoginPolicy.defaults().withFailureLimits(PER_USER, PER_ADDRESS, FIRST, MAX)));
    }

    @Test
    void afterTooManyWrongPasswordsEvenTheRightOneWaitsABriefTimeThenWorks() throws InterruptedException {
        TestUser alice = offlineUser("alice");
        ChatClient client = connect();
        for (int i = 0; i < PER_USER; i++) {
            assertEquals(1, login(client, alice.id(), "guess" + i).path("errno").asInt());
        }
        JsonNode refused = login(client, alice.id(), PASSWORD);
        assertEquals(8, refused.path("errno").asInt(), refused::toString);
        long retryAfter = refused.path("retry_after").asLong();
        assertTrue(retryAfter > 0 && retryAfter <= FIRST.toMillis(), refused::toString);
        assertTrue(refused.path("errmsg").asText().contains("try again"), refused::toString);

        Thread.sleep(retryAfter + 50);
        assertEquals(0, login(client, alice.id(), PASSWORD).path("errno").asInt());
    }

    @Test
    void theWaitDoublesWithEachFailureUpToTheMaximum() throws InterruptedException {
        TestUser bob = offlineUser("bob");
        ChatClient client = connect();
        long previous = 0;
        for (int i = 0; i < PER_USER + 4; i++) {
            JsonNode reply = login(client, bob.id(), "guess" + i);
            if (reply.path("errno").asInt() == 8) {
                Thread.sleep(reply.path("retry_after").asLong() + 20);
                reply = login(client, bob.id(), "guess" + i);
            }
            assertEquals(1, reply.path("errno").asInt(), reply::toString);
            JsonNode refused = login(client, bob.id(), "again");
            if (i + 1 >= PER_USER) {
                long wait = refused.path("retry_after").asLong();
                assertEquals(8, refused.path("errno").asInt(), refused::toString);
                assertTrue(wait <= MAX.toMillis(), "never more than the maximum: " + wait);
                assertTrue(wait + 100 >= Math.min(previous * 2, MAX.toMillis() - 100), "doubles: " + previous + " -> " + wait);
                previous = wait;
            }
        }
    }

    @Test
    void manyFailuresFromOneAddressSlowDownLoginsOfOtherIdsFromIt() {
        ChatClient client = connect();
        for (int i = 0; i < PER_ADDRESS; i++) {
            TestUser victim = offlineUser("victim");
            assertEquals(1, login(client, victim.id(), "guess").path("errno").asInt());
        }
        TestUser carol = offlineUser("carol");
        JsonNode refused = login(client, carol.id(), PASSWORD);
        assertEquals(8, refused.path("errno").asInt(), refused::toString);
        assertTrue(refused.path("errmsg").asText().contains("address"), refused::toString);
    }

    @Test
    void tokenFailuresCountLikePasswordFailures() {
        TestUser dave = offlineUser("dave");
        ChatClient client = connect();
        for (int i = 0; i < PER_USER; i++) {
            JsonNode reply = client.call("{\"msgid\":1,\"id\":" + dave.id() + ",\"token\":\"" + "t".repeat(43) + "\"}");
            assertEquals(1, reply.path("errno").asInt(), reply::toString);
        }
        assertEquals(8, login(client, dave.id(), PASSWORD).path("errno").asInt());
    }

    private static JsonNode login(ChatClient client, int id, String password) {
        return client.call("{\"msgid\":1,\"id\":" + id + ",\"password\":" + ChatClient.quote(password) + "}");
    }
}
