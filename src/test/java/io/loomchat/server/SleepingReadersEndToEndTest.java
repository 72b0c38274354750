package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Await;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quiet clients whose reader thread has ended (see {@code DormantReaders}) are served as if it
 * had not: what is sent to them arrives, what they send is answered, the idle timeout still
 * closes them and a client that hangs up is let go. The transport does not depend on the
 * database, so one backend is enough.
 */
@ParameterizedClass
@EnumSource(value = Backend.class, names = "H2")
class SleepingReadersEndToEndTest extends EndToEndTest {

    /**
     * Short, so that the tests are quick, but long against a request's round trip on a busy box:
     * the talking client below must never pause this long between two frames.
     */
    private static final Duration SLEEP_AFTER = Duration.ofSeconds(1);
    /** Long enough for twenty clients to be set up and served on a busy two-core box. */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(8);

    @Override
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(backend, RunningServer.defaultNetwork().toBuilder()
                .readerSleepAfter(SLEEP_AFTER).idleTimeout(IDLE_TIMEOUT).build());
    }

    @Test
    void aQuietClientsReaderSleepsAndItStillGetsWhatIsSentAndAnswersToWhatItSends() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        fallAsleep(bob.client());
        Await.until(Duration.ofSeconds(5), "bob's reader sleeping", () -> server.server().sleepingConnections() >= 1);

        alice.client().send("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"wake up\"}");
        assertEquals("wake up", bob.client().next(6).path("msg").asText(), "a frame for a sleeping client is written");
        assertEquals(13, bob.client().call("{\"msgid\":12}").path("msgid").asInt(), "and its next request is answered");

        fallAsleep(bob.client());
        Await.until(Duration.ofSeconds(5), "bob's reader asleep again", () -> server.server().sleepingConnections() >= 1);
        bob.client().send("{\"msgid\":6,\"toid\":" + alice.id() + ",\"msg\":\"I was asleep\"}");
        assertEquals(0, bob.client().nextReply().path("errno").asInt(), "a request wakes the reader");
        assertEquals("I was asleep", alice.client().next(6).path("msg").asText());
    }

    @Test
    void manySleepingClientsEachGetAMessageSentToThemAllAtOnce() {
        TestUser sender = newUser("sender");
        List<TestUser> sleepers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sleepers.add(newUser("sleeper"));
        }
        Await.pause(SLEEP_AFTER.multipliedBy(3));
        sleepers.forEach(sleeper -> assertEquals(13, sleeper.client().call("{\"msgid\":12}").path("msgid").asInt()));
        Await.until(Duration.ofSeconds(5), "twenty readers sleeping", () -> server.server().sleepingConnections() >= 20);
        for (TestUser sleeper : sleepers) {
            sender.client().send("{\"msgid\":6,\"toid\":" + sleeper.id() + ",\"msg\":\"to " + sleeper.id() + "\"}");
        }
        for (TestUser sleeper : sleepers) {
            assertEquals("to " + sleeper.id(), sleeper.client().next(6).path("msg").asText());
        }
    }

    @Test
    void theIdleTimeoutClosesASleepingConnectionAndSignsItsUserOut() {
        TestUser alice = newUser("alice");
        fallAsleep(alice.client());
        Await.until(Duration.ofSeconds(5), "alice's reader sleeping", () -> server.server().sleepingConnections() >= 1);
        assertTrue(alice.client().closedByServer(IDLE_TIMEOUT.plusSeconds(5)));
        connect().loginAfterDisconnect(alice.id(), PASSWORD);
        Await.until(Duration.ofSeconds(5), "no reader left sleeping", () -> server.server().sleepingConnections() == 0);
    }

    @Test
    void aSleepingClientThatHangsUpIsLetGoAndItsUserSignedOut() {
        TestUser alice = newUser("alice");
        long before = server.server().connections();
        fallAsleep(alice.client());
        Await.until(Duration.ofSeconds(5), "alice's reader sleeping", () -> server.server().sleepingConnections() >= 1);
        alice.client().close();
        Await.until(Duration.ofSeconds(5), "her connection released", () -> server.server().connections() == before - 1);
        connect().loginAfterDisconnect(alice.id(), PASSWORD);
    }

    @Test
    void aClientThatKeepsTalkingKeepsItsReaderAwake() {
        TestUser alice = newUser("alice");
        long until = System.nanoTime() + SLEEP_AFTER.multipliedBy(4).toNanos();
        while (System.nanoTime() < until) {
            assertEquals(13, alice.client().call("{\"msgid\":12}").path("msgid").asInt());
            assertEquals(0, server.server().sleepingConnections(), "no reader sleeps between frames a moment apart");
            Await.pause(SLEEP_AFTER.dividedBy(10));
        }
    }

    /** A pause well past the threshold (the idle sweeper, which notes it, looks once a second), then a heartbeat: the reader sleeps at its next wait. */
    private static void fallAsleep(ChatClient client) {
        Await.pause(SLEEP_AFTER.multipliedBy(3));
        assertEquals(13, client.call("{\"msgid\":12}").path("msgid").asInt());
    }
}
