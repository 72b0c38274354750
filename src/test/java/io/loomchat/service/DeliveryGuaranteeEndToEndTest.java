package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class DeliveryGuaranteeEndToEndTest extends EndToEndTest {

    private static final int MESSAGES = 3_000;

    @Test
    void everyAcknowledgedMessageArrivesExactlyOnceWhileTheRecipientLogsInAndOut() throws Exception {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        AtomicBoolean sending = new AtomicBoolean(true);

        CompletableFuture<List<Long>> acknowledged = CompletableFuture.supplyAsync(() -> {
            List<Long> mids = new ArrayList<>();
            try {
                for (int i = 0; i < MESSAGES; i++) {
                    JsonNode ack = alice.client().call("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"n" + i + "\"}");
                    assertEquals(0, ack.path("errno").asInt(), ack::toString);
                    mids.add(ack.path("mid").asLong());
                }
                return mids;
            } finally {
                sending.set(false);
            }
        });

        Map<Long, Integer> received = new HashMap<>();
        int sessions = 0;
        try (ChatClient bobClient = connect()) {
            while (sending.get() || sessions == 0) {
                sessions++;
                countMids(bobClient.login(bob.id(), PASSWORD).path("offlinemsg"), received);
                // Read live messages for a moment, then log out mid-stream.
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5 + sessions % 20);
                while (System.nanoTime() < until) {
                    JsonNode frame = bobClient.poll(Duration.ofMillis(2));
                    if (frame != null) {
                        count(frame, received);
                    }
                }
                bobClient.send("{\"msgid\":3}");
                JsonNode frame;
                do {
                    frame = bobClient.next();
                    count(frame, received);
                } while (frame.path("msgid").asInt() != 11);
                assertEquals(3, frame.path("ack").asInt(), frame::toString);
            }
            List<Long> mids = acknowledged.get(2, TimeUnit.MINUTES);
            countMids(bobClient.login(bob.id(), PASSWORD).path("offlinemsg"), received);
            JsonNode straggler;
            while ((straggler = bobClient.poll(Duration.ofMillis(300))) != null) {
                count(straggler, received);
            }

            assertEquals(MESSAGES, mids.size());
            assertTrue(sessions > 3, "the recipient logged in and out only " + sessions + " times");
            Set<Long> missing = new TreeSet<>(mids);
            missing.removeAll(received.keySet());
            assertEquals(Set.of(), missing, "acknowledged but never received");
            received.forEach((mid, times) -> assertEquals(1, times, "message " + mid + " received " + times + " times"));
            assertEquals(MESSAGES, received.size());
        }
    }

    static void count(JsonNode frame, Map<Long, Integer> received) {
        if (frame.path("msgid").asInt() == 6) {
            received.merge(frame.path("mid").asLong(), 1, Integer::sum);
        }
    }

    static void countMids(JsonNode offline, Map<Long, Integer> received) {
        offline.forEach(message -> count(message, received));
    }
}
