package io.loomchat.service;

import static io.loomchat.service.DeliveryGuaranteeEndToEndTest.count;
import static io.loomchat.service.DeliveryGuaranteeEndToEndTest.countMids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Json;
import io.loomchat.testing.Await;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class SlowClientEndToEndTest extends EndToEndTest {

    @Override
    protected RunningServer startServerFor(Backend backend) {
        // A short queue (256 KB: 64 of these 4 KB messages) makes the slow client quick to reach.
        return RunningServer.start(backend, RunningServer.defaultNetwork().toBuilder()
                .maxQueuedFrames(256).maxQueuedBytes(256 * 1024).flushTimeout(Duration.ofSeconds(1)).build());
    }

    @Test
    void aClientThatNeverReadsDoesNotSlowOthersAndItsMessagesEndUpOffline() throws Exception {
        TestUser alice = newUser("alice");
        TestUser carol = newUser("carol");
        TestUser dave = newUser("dave");
        int bobId = offlineUser("bob").id();

        // Bob logs in on a raw socket with a tiny receive buffer and then never reads.
        Socket bob = new Socket();
        bob.setReceiveBufferSize(4096);
        bob.connect(new InetSocketAddress("127.0.0.1", server.port()));
        bob.getOutputStream().write(("{\"msgid\":1,\"id\":" + bobId + ",\"password\":\"" + PASSWORD + "\"}\n")
                .getBytes(StandardCharsets.UTF_8));
        awaitOnline(bobId);

        String text = "z".repeat(4000);
        List<Long> acknowledged = new ArrayList<>();
        int offline = 0;
        for (int i = 0; i < 3_000 && offline < 20; i++) {
            JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"" + text + "\"}");
            assertEquals(0, ack.path("errno").asInt(), ack::toString);
            acknowledged.add(ack.path("mid").asLong());
            if ("offline".equals(ack.path("stored").asText())) {
                offline++;
            }
            if (i % 100 == 0) {
                // Meanwhile the others chat as usual.
                long start = System.nanoTime();
                dave.client().call("{\"msgid\":6,\"toid\":" + carol.id() + ",\"msg\":\"still fast " + i + "\"}");
                assertEquals("still fast " + i, carol.client().next(6).path("msg").asText());
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "others were slowed down");
            }
        }
        assertTrue(offline >= 20, "the slow client was never cut off");

        // Bob wakes up: whatever reached his socket, then his offline messages, hold every message.
        Map<Long, Integer> received = new HashMap<>();
        bob.setSoTimeout(10_000);
        readUntilClosed(bob.getInputStream(), received);
        bob.close();
        countMids(connect().loginAfterDisconnect(bobId, PASSWORD).path("offlinemsg"), received);
        Set<Long> missing = new TreeSet<>(acknowledged);
        missing.removeAll(received.keySet());
        assertEquals(Set.of(), missing, "acknowledged but neither delivered nor stored");
    }

    @Test
    void aReceiptsClientCutOffForNotReadingGetsEveryAcknowledgedMessageAtItsNextLogin() throws Exception {
        TestUser alice = newUser("alice");
        int bobId = offlineUser("bob").id();
        Socket bob = new Socket();
        bob.setReceiveBufferSize(4096);
        bob.connect(new InetSocketAddress("127.0.0.1", server.port()));
        bob.getOutputStream().write(("{\"msgid\":1,\"id\":" + bobId + ",\"password\":\"" + PASSWORD
                + "\",\"receipts\":true}\n").getBytes(StandardCharsets.UTF_8));
        awaitOnline(bobId);

        String text = "z".repeat(4000);
        List<Long> acknowledged = new ArrayList<>();
        int offline = 0;
        for (int i = 0; i < 3_000 && offline < 20; i++) {
            JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":" + bobId + ",\"msg\":\"" + text + "\"}");
            assertEquals(0, ack.path("errno").asInt(), ack::toString);
            acknowledged.add(ack.path("mid").asLong());
            if ("offline".equals(ack.path("stored").asText())) {
                offline++;
            }
        }
        assertTrue(offline >= 20, "the slow client was never cut off");
        bob.close(); // whatever reached its socket was never read, let alone confirmed

        ChatClient again = connect();
        JsonNode ack = again.loginWithReceipts(bobId, PASSWORD);
        List<Long> received = new ArrayList<>();
        ack.path("offlinemsg").forEach(message -> received.add(message.path("mid").asLong()));
        for (int i = ack.path("pending").asInt(); i > 0; i--) {
            received.add(again.next(6).path("mid").asLong());
        }
        assertEquals(acknowledged, received, "every acknowledged message, once, in order");
    }

    private static void readUntilClosed(InputStream in, Map<Long, Integer> received) throws IOException {
        byte[] buffer = new byte[65536];
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    JsonNode frame = Json.parse(pending.toByteArray());
                    count(frame, received);
                    pending.reset();
                } else {
                    pending.write(buffer[i]);
                }
            }
        }
        // A frame cut short by the close (left in pending) is not a delivery; it went to the offline store.
    }

    /** Bob's login, sent on a raw socket that nobody reads, has been served. */
    private void awaitOnline(int userId) {
        Await.until(Duration.ofSeconds(10), "user " + userId + " logged in", () -> "online".equals(server.database()
                .query("SELECT state FROM User WHERE id = " + userId, rows -> rows.next() ? rows.getString(1) : null)));
    }
}
