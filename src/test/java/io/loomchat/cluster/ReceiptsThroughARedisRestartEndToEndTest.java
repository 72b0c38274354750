package io.loomchat.cluster;

import static io.loomchat.testing.ClusterExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Await;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ClusterExtension;
import io.loomchat.testing.PrivateRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protocol 2.2 through a Redis crash: a private Redis with its append-only file is killed with
 * SIGKILL under cross-server chat to a receipts client, and restarted on that file. Every
 * acknowledged message reaches the client (live, or at its next login), and none it confirmed
 * comes again.
 */
class ReceiptsThroughARedisRestartEndToEndTest {

    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(15);

    @RegisterExtension
    final ClusterExtension cluster = ClusterExtension.inJvmOnPrivateRedisWithAppendOnlyFile(2);
    /** Delivered, and not yet confirmed by a RECEIPT the server took (see {@link #readAndConfirm}). */
    private final List<Long> toConfirm = new ArrayList<>();

    @Test
    void noAcknowledgedMessageIsLostAndNoConfirmedOneComesAgain() {
        PrivateRedis redis = cluster.redis();
        int alice = cluster.register(0, "alice");
        int bob = cluster.register(1, "bob");
        ChatClient aliceClient = cluster.login(0, alice);
        ChatClient bobClient = cluster.connect(1);
        bobClient.loginWithReceipts(bob, PASSWORD);

        Set<Long> acknowledged = new LinkedHashSet<>();
        Set<Long> confirmed = new HashSet<>();
        int n = 0;
        for (; n < 100; n++) {
            acknowledged.add(send(aliceClient, bob, n));
            readAndConfirm(bobClient, confirmed);
        }
        redis.kill();
        for (int i = 0; i < 30; i++, n++) {
            acknowledged.add(send(aliceClient, bob, n));
            readAndConfirm(bobClient, confirmed);
        }
        redis.start(); // on its append-only file
        long restartedAt = System.nanoTime();
        for (int i = 0; i < 100; i++, n++) {
            acknowledged.add(send(aliceClient, bob, n));
            readAndConfirm(bobClient, confirmed);
            Await.pause(Duration.ofMillis(10)); // paced: the restart must fall amid the chat, not after it
        }
        assertTrue(System.nanoTime() - restartedAt < RECOVERY_LIMIT.toNanos() * 2, "sending took too long");
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            readAndConfirm(bobClient, confirmed);
        }
        assertEquals(0, bobClient.call("{\"msgid\":12}").path("errno").asInt()); // the last receipt has been served
        assertEquals(0, bobClient.call("{\"msgid\":3}").path("errno").asInt());

        JsonNode again = bobClient.loginWithReceipts(bob, PASSWORD, RECOVERY_LIMIT);
        List<Long> redelivered = new ArrayList<>();
        again.path("offlinemsg").forEach(message -> redelivered.add(message.path("mid").asLong()));
        for (int i = again.path("pending").asInt(); i > 0; i--) {
            redelivered.add(bobClient.next(6).path("mid").asLong());
        }
        Set<Long> confirmedAgain = new TreeSet<>(redelivered);
        confirmedAgain.retainAll(confirmed);
        assertEquals(Set.of(), confirmedAgain, "confirmed messages never come again");
        Set<Long> missing = new TreeSet<>(acknowledged);
        missing.removeAll(confirmed);
        missing.removeAll(redelivered);
        assertEquals(Set.of(), missing, "acknowledged, but neither received nor redelivered");
    }

    @Test
    void copiesLeftInRedisBySessionsThatEndedWhileItWasAwayArePutBackOnceAtTheNextLogin() {
        PrivateRedis redis = cluster.redis();
        int alice = cluster.register(0, "alice");
        int bob = cluster.register(1, "bob");
        ChatClient aliceClient = cluster.login(0, alice);
        ChatClient bobClient = cluster.connect(1);
        bobClient.loginWithReceipts(bob, PASSWORD);
        List<Long> sent = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            sent.add(send(aliceClient, bob, n));
        }
        for (int n = 0; n < 5; n++) {
            bobClient.next(6); // read, not confirmed: their copies are in Redis
        }
        redis.kill();
        bobClient.close(); // the session ends while Redis is away: its server stores what it holds itself
        // His server has put back what he held once it marks him offline.
        Await.until(Duration.ofSeconds(10), "bob's server ending his session",
                () -> "offline".equals(cluster.inJvm().stateOf(bob)));
        redis.start(); // the copies are still there, on the append-only file

        ChatClient again = cluster.connect(1);
        JsonNode ack = again.loginWithReceipts(bob, PASSWORD, RECOVERY_LIMIT);
        List<Long> redelivered = new ArrayList<>();
        ack.path("offlinemsg").forEach(message -> redelivered.add(message.path("mid").asLong()));
        assertEquals(sent, redelivered, "each once, oldest first");
        try (var jedis = redis.connect()) {
            assertEquals(0, jedis.exists(cluster.prefix() + "inbox:" + bob, cluster.prefix() + "leftover:" + bob),
                    "nothing of the ended session is left in Redis");
        }
    }

    private static long send(ChatClient client, int to, int n) {
        JsonNode ack = client.call("{\"msgid\":6,\"toid\":" + to + ",\"msg\":\"m" + n + "\"}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("mid").asLong();
    }

    /**
     * Takes whatever chat has arrived and confirms it at once, as a protocol 2.2 client does: a
     * PING after the RECEIPT tells whether the server took it (its PONG comes after any error
     * ACK for the RECEIPT, frames being handled in order); one refused with errno 10 (Redis
     * away, or the server unsure of its lease) is sent again with the next. Only those the
     * server took count as confirmed.
     */
    private void readAndConfirm(ChatClient client, Set<Long> confirmed) {
        List<Long> mids = new ArrayList<>(toConfirm);
        toConfirm.clear();
        for (JsonNode frame = client.poll(Duration.ofMillis(1)); frame != null; frame = client.poll(Duration.ofMillis(1))) {
            if (frame.path("msgid").asInt() == 6) {
                mids.add(frame.path("mid").asLong());
            }
        }
        if (mids.isEmpty()) {
            return;
        }
        client.send("{\"msgid\":15,\"mids\":" + mids + "}");
        client.send("{\"msgid\":12}");
        boolean refused = false;
        for (JsonNode frame = client.next(); frame.path("msgid").asInt() != 13; frame = client.next()) {
            if (frame.path("msgid").asInt() == 6) {
                toConfirm.add(frame.path("mid").asLong()); // arrived meanwhile: the next receipt's
            } else if (frame.path("msgid").asInt() == 11 && frame.path("ack").asInt() == 15) {
                assertEquals(10, frame.path("errno").asInt(), frame::toString);
                refused = true;
            }
        }
        if (refused) {
            toConfirm.addAll(mids);
        } else {
            confirmed.addAll(mids);
        }
    }
}
