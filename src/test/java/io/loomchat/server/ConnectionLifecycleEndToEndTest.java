package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class ConnectionLifecycleEndToEndTest extends EndToEndTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(800);

    @Override
    protected RunningServer startServerFor(Backend backend) {
        NetworkConfig base = RunningServer.defaultNetwork();
        return RunningServer.start(backend, new NetworkConfig(base.host(), 0, 3, base.maxFrameBytes(),
                IDLE_TIMEOUT, base.maxQueuedFrames(), base.maxQueuedBytes(), base.flushTimeout()));
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeoutAndItsUserSignedOut() {
        TestUser alice = newUser("alice");
        assertTrue(alice.client().closedByServer(Duration.ofSeconds(5)));
        connect().loginAfterDisconnect(alice.id(), PASSWORD);
    }

    @Test
    void pingsKeepAConnectionAlive() throws InterruptedException {
        ChatClient client = connect();
        long until = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(3).toNanos();
        while (System.nanoTime() < until) {
            assertEquals(13, client.call("{\"msgid\":12}").path("msgid").asInt());
            Thread.sleep(IDLE_TIMEOUT.toMillis() / 4);
        }
        assertFalse(client.closedByServer(Duration.ofMillis(100)));
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilAPlaceIsFree() {
        ChatClient first = connect();
        connect().call("{\"msgid\":12}");
        connect().call("{\"msgid\":12}");
        ChatClient waiting = connect();
        waiting.send("{\"msgid\":12}");
        waiting.expectNothing(Duration.ofMillis(300));
        first.close();
        assertEquals(13, waiting.nextReply().path("msgid").asInt(), "served once a permit was released");
    }
}
