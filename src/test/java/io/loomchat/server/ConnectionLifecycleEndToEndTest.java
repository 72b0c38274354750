package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class ConnectionLifecycleEndToEndTest extends EndToEndTest {

    /**
     * Short, so that the tests are quick, but with room for a loaded two-core box: the client
     * below pings every quarter of it, and a pause of a whole timeout (GC, a starved thread)
     * between two pings would close it. At 800 ms that happened under load 10+; at 2 s it
     * happened once the suite ran its classes three at a time on two cores, to a connection
     * that had sent only its REG frame (load 12, another engineer's load test on the box too).
     */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);

    @Override
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(backend, RunningServer.defaultNetwork().toBuilder()
                .maxConnections(3).idleTimeout(IDLE_TIMEOUT).build());
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeoutAndItsUserSignedOut() {
        TestUser alice = newUser("alice");
        assertTrue(alice.client().closedByServer(IDLE_TIMEOUT.plusSeconds(5)));
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
    void aClientBeyondTheConnectionLimitIsToldTheServerIsFullAndTheOthersCarryOn() {
        ChatClient first = connect();
        ChatClient second = connect();
        ChatClient third = connect();
        assertEquals(13, first.call("{\"msgid\":12}").path("msgid").asInt());
        ChatClient refused = connect();
        JsonNode refusal = refused.next();
        assertEquals(10, refusal.path("errno").asInt(), refusal::toString);
        assertTrue(refusal.path("errmsg").asText().contains("full"), refusal::toString);
        assertTrue(refused.closedByServer(Duration.ofSeconds(5)));
        for (ChatClient served : new ChatClient[] {first, second, third}) {
            assertEquals(13, served.call("{\"msgid\":12}").path("msgid").asInt(), "existing clients are unaffected");
        }
        first.close();
        ChatClient later = connectWhenFree();
        assertEquals(13, later.call("{\"msgid\":12}").path("msgid").asInt(), "served once a place is free");
    }

    @Test
    void aClientThatDisconnectsInTheMiddleOfAFrameLeavesNothingBehind() {
        TestUser alice = newUser("alice");
        long before = server.server().connections();
        ChatClient quitter = connect();
        quitter.sendRaw("{\"msgid\":6,\"toid\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        quitter.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.server().connections() > before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(before, server.server().connections(), "its connection and permit are released");
        assertEquals(13, alice.client().call("{\"msgid\":12}").path("msgid").asInt());
    }

    @Test
    void aClientThatSendsRequestsButNeverReadsTheRepliesIsClosedWhileOthersAreServed() throws Exception {
        TestUser alice = newUser("alice");
        long before = server.server().connections();
        // Bob sends PINGs as fast as he can and never reads a PONG. Once his receive buffer and
        // the server's send buffer are full, the server cannot write his replies; it must not
        // keep the connection for ever, nor slow anyone else. (Today his queue fills and he is
        // cut off; a server that wrote replies on the reader's thread would have to close him
        // by the idle timeout instead: branch hot/reader-replies.)
        Socket bob = new Socket();
        bob.setReceiveBufferSize(4096);
        bob.connect(new InetSocketAddress("127.0.0.1", server.port()));
        CompletableFuture<Throwable> flooding = CompletableFuture.supplyAsync(() -> {
            byte[] ping = "{\"msgid\":12}\n".repeat(1_000).getBytes(StandardCharsets.UTF_8);
            try {
                while (true) {
                    bob.getOutputStream().write(ping);
                }
            } catch (IOException e) {
                return e; // the server closed the connection
            }
        }, Executors.newVirtualThreadPerTaskExecutor());

        long until = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(3).toNanos();
        while (!flooding.isDone() && System.nanoTime() < until) {
            // Alice pings as a live client does, and is served meanwhile.
            assertEquals(13, alice.client().call("{\"msgid\":12}").path("msgid").asInt(), "others are served meanwhile");
            Thread.sleep(IDLE_TIMEOUT.toMillis() / 4);
        }
        Throwable ended = flooding.getNow(null);
        assertTrue(ended instanceof IOException, "not closed within three idle timeouts: " + ended);
        bob.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.server().connections() > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before, server.server().connections(), "its connection and permit are released");
    }

    /** Connects, retrying while a closed client's permit is still being released. */
    private ChatClient connectWhenFree() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            ChatClient client = connect();
            JsonNode frame = client.poll(Duration.ofMillis(200));
            if (frame == null) {
                return client;
            }
            assertTrue(System.nanoTime() < deadline, "no place came free: " + frame);
        }
    }
}
