package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.loomchat.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Many senders of one server forwarding at once, so that the pipeline folds their forwards (and
 * kept copies) into shared script runs: every sender must still learn exactly where its own
 * message went, and the other server must get each message once, for the right sessions.
 * Two real {@link RedisCluster}s on the shared Redis, under a prefix of this test's own.
 */
class ForwardsFoldedIntoOneScriptRunTest {

    private static final int SENDERS = 60;
    /** Users held by the second server, one per sender; the odd ones are receipts sessions. */
    private static final int FIRST_REMOTE = 1_000;
    /** Users held by the first server itself, receipts sessions all, for its kept copies. */
    private static final int FIRST_LOCAL = 2_000;
    /** A user with two devices on the second server. */
    private static final int TWO_DEVICES = 3_000;

    private final String prefix = TestRedis.uniquePrefix();
    private final Map<Integer, List<Mailbox>> received = new ConcurrentHashMap<>();
    private final Map<Integer, String> framesReceived = new ConcurrentHashMap<>();
    private RedisCluster sender;
    private RedisCluster holder;

    @BeforeEach
    void startTwoServers() {
        TestRedis.requireReachable();
        sender = RedisCluster.connect(ClusterConfig.of(TestRedis.url(), "n0", prefix));
        holder = RedisCluster.connect(ClusterConfig.of(TestRedis.url(), "n1", prefix));
        List<Mailbox> held = new CopyOnWriteArrayList<>();
        sender.start(new Sessions(List.of(), (delivery, mailboxes) -> { }));
        holder.start(new Sessions(held, (delivery, mailboxes) -> {
            received.merge((int) delivery.mid(), mailboxes, (a, b) -> {
                List<Mailbox> both = new ArrayList<>(a);
                both.addAll(b);
                return both;
            });
            framesReceived.put((int) delivery.mid(), new String(delivery.frame(), StandardCharsets.UTF_8));
        }));
        for (int i = 0; i < SENDERS; i++) {
            Mailbox mailbox = Mailbox.withoutDevice(FIRST_REMOTE + i);
            assertNotEquals(Cluster.Claim.REFUSED, holder.claim(mailbox, i % 2 == 1, 10));
            held.add(mailbox);
        }
        for (int device = 1; device <= 2; device++) {
            Mailbox mailbox = new Mailbox(TWO_DEVICES, -device);
            assertNotEquals(Cluster.Claim.REFUSED, holder.claim(mailbox, true, 10));
            held.add(mailbox);
        }
        for (int i = 0; i < SENDERS; i++) {
            assertNotEquals(Cluster.Claim.REFUSED, sender.claim(Mailbox.withoutDevice(FIRST_LOCAL + i), true, 10));
        }
    }

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        if (holder != null) {
            holder.close();
        }
        TestRedis.deleteKeys(prefix);
    }

    @Test
    void everySenderLearnsWhereItsOwnMessageWentAndTheOtherServerGetsEachOnce() throws Exception {
        Map<Integer, List<Integer>> reached = new ConcurrentHashMap<>();
        runAtOnce(SENDERS + 1, i -> {
            int mid = 1 + i;
            int to = i < SENDERS ? FIRST_REMOTE + i : TWO_DEVICES;
            Cluster.Reached where = sender.forward(chat(mid), List.of(to), 0);
            reached.put(mid, where.mailboxesOf(to));
        });

        for (int i = 0; i < SENDERS; i++) {
            int mid = 1 + i;
            assertEquals(List.of(FIRST_REMOTE + i), reached.get(mid), "where message " + mid + " went");
        }
        assertEquals(List.of(-1, -2), sorted(reached.get(SENDERS + 1)));
        awaitReceived(SENDERS + 1);
        for (int i = 0; i < SENDERS; i++) {
            int mid = 1 + i;
            assertEquals(List.of(Mailbox.withoutDevice(FIRST_REMOTE + i)), received.get(mid), "who got message " + mid);
            assertEquals(frame(mid), framesReceived.get(mid));
        }
        assertEquals(2, received.get(SENDERS + 1).size());
        try (Jedis redis = TestRedis.connect()) {
            for (int i = 0; i < SENDERS; i++) {
                String kept = redis.hget(prefix + "inbox:" + (FIRST_REMOTE + i), Integer.toString(1 + i));
                if (i % 2 == 1) {
                    assertEquals(frame(1 + i), kept, "the copy of a receipts session's message");
                } else {
                    assertNull(kept, "a copy for a session without receipts");
                }
            }
            assertNotNull(redis.hget(prefix + "inbox:-1", Integer.toString(SENDERS + 1)));
            assertNotNull(redis.hget(prefix + "inbox:-2", Integer.toString(SENDERS + 1)));
        }
    }

    @Test
    void copiesKeptAtOnceAreKeptEachForItsOwnUserAndOnlyForThisServersReceiptsSessions() throws Exception {
        Map<Integer, List<Integer>> notKept = new ConcurrentHashMap<>();
        runAtOnce(SENDERS, i -> {
            int mid = 1 + i;
            // Each copy for one user of this server, and one held by the other server, which
            // this server must not keep.
            notKept.put(mid, sender.inbox().keep(mid, bytes(frame(mid)), List.of(FIRST_LOCAL + i, FIRST_REMOTE + i)));
        });

        try (Jedis redis = TestRedis.connect()) {
            for (int i = 0; i < SENDERS; i++) {
                int mid = 1 + i;
                assertEquals(List.of(FIRST_REMOTE + i), notKept.get(mid), "not kept of message " + mid);
                assertEquals(frame(mid), redis.hget(prefix + "inbox:" + (FIRST_LOCAL + i), Integer.toString(mid)));
                assertNull(redis.hget(prefix + "inbox:" + (FIRST_REMOTE + i), Integer.toString(mid)));
            }
        }
    }

    private void awaitReceived(int messages) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < messages && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200); // anything more (a message twice) would arrive by now
        assertEquals(messages, received.size(), "messages the other server got");
    }

    /** Runs {@code task} on that many virtual threads released together, and waits for all. */
    private static void runAtOnce(int threads, IntTask task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            running.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                    task.run(index);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread thread : running) {
            thread.join(TimeUnit.SECONDS.toMillis(20));
        }
        assertEquals(List.of(), failures);
    }

    @FunctionalInterface
    private interface IntTask {
        void run(int index) throws Exception;
    }

    private static Delivery chat(int mid) {
        return new Delivery(Delivery.Kind.CHAT, 6, mid, bytes(frame(mid)));
    }

    private static String frame(int mid) {
        return "{\"msgid\":6,\"mid\":" + mid + ",\"id\":1,\"msg\":\"message " + mid + "\"}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Integer> sorted(List<Integer> values) {
        return values.stream().sorted((a, b) -> Integer.compare(b, a)).toList();
    }

    /** A server's side of the cluster: the sessions it holds and what reaches them. */
    private record Sessions(Collection<Mailbox> held, Delivered onDelivered) implements Cluster.Listener {

        @Override
        public void delivered(Delivery delivery, List<Mailbox> mailboxes) {
            onDelivered.delivered(delivery, mailboxes);
        }

        @Override
        public Collection<Mailbox> localSessions() {
            return held;
        }

        @Override
        public void evicted(int mailbox, boolean reaped) {
        }

        @Override
        public void usersLost(List<Integer> userIds) {
        }

        @Override
        public void putBack(Map<Integer, List<Inbox.Copy>> copies) {
        }

        @Override
        public Collection<Integer> localReceiptsMailboxes() {
            return held.stream().map(Mailbox::id).toList();
        }

        @Override
        public void missed(int mailbox, List<Inbox.Copy> copies) {
        }

        @Override
        public void storedMeanwhile() {
        }

        @Override
        public void usersRegained(List<Integer> userIds) {
        }

        @Override
        public void groupChanged(int groupId) {
        }

        @Override
        public void devicesChanged(int userId) {
        }

        @Override
        public void forgetCaches() {
        }
    }

    @FunctionalInterface
    private interface Delivered {
        void delivered(Delivery delivery, List<Mailbox> mailboxes);
    }
}
