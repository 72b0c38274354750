package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link DeliveryReceipts}, over a real loopback connection: what it sends is read
 * back as the server would read it.
 */
class DeliveryReceiptsTest {

    /** How long the server end waits for a frame before the test fails. */
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(3);

    private ScheduledExecutorService timer;
    private DeliveryReceipts receipts;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor();
        // Flushed by hand, so that each test knows which frames go out.
        receipts = new DeliveryReceipts(new SeenMessages(SeenMessages.DEFAULT_CAPACITY), timer, Duration.ofHours(1));
    }

    @AfterEach
    void stop() throws Exception {
        receipts.close();
        timer.shutdownNow();
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Test
    void manyConfirmationsGoOutInReceiptsOfAtMostAThousandMidsInTheOrderTheyCame() throws IOException {
        Wire wire = connect();
        receipts.started(wire.link);
        LongStream.rangeClosed(1, 2_500).forEach(mid -> deliver(chat(mid)));
        receipts.end();

        List<Long> confirmed = new ArrayList<>();
        for (int size : new int[] {1_000, 1_000, 500}) {
            JsonNode receipt = wire.next();
            assertEquals(MessageType.RECEIPT.code(), receipt.path("msgid").asInt(), receipt.toString());
            assertEquals(size, receipt.path("mids").size());
            receipt.path("mids").forEach(mid -> confirmed.add(mid.asLong()));
        }
        assertEquals(LongStream.rangeClosed(1, 2_500).boxed().toList(), confirmed);
    }

    @Test
    void whatWasShownIsConfirmedWithinASecondWithoutBeingAsked() throws IOException {
        receipts.close();
        receipts = new DeliveryReceipts(new SeenMessages(SeenMessages.DEFAULT_CAPACITY), timer);
        Wire wire = connect();
        receipts.started(wire.link);
        long shownAt = System.nanoTime();
        deliver(chat(7));
        deliver(chat(8));

        JsonNode receipt = wire.next();
        assertEquals(MessageType.RECEIPT.code(), receipt.path("msgid").asInt(), receipt.toString());
        assertEquals("[7,8]", receipt.path("mids").toString());
        // PROTOCOL.md: at least once a second. The flusher runs twice a second, so this holds
        // with half a second to spare for a busy machine.
        Duration waited = Duration.ofNanos(System.nanoTime() - shownAt);
        assertTrue(waited.compareTo(Duration.ofSeconds(1)) <= 0, "confirmed only after " + waited);
    }

    @Test
    void aRepeatIsShownOnceButConfirmedEachTimeItComes() throws IOException {
        Wire wire = connect();
        receipts.started(wire.link);
        assertTrue(deliver(chat(7)));
        receipts.flush();
        assertEquals("[7]", wire.next().path("mids").toString());

        assertFalse(deliver(chat(7)));
        receipts.flush();
        assertEquals("[7]", wire.next().path("mids").toString());
    }

    @Test
    void withoutAReceiptsSessionEverythingIsShownOnceAndNothingIsSent() throws IOException {
        Wire wire = connect();
        receipts.stopped();
        assertTrue(deliver(chat(7)));
        assertFalse(deliver(chat(7)));
        assertTrue(deliver(Json.object().put("msgid", 6).put("msg", "from a server without mids")));
        receipts.flush();
        receipts.end();

        assertNothingSentBefore(wire);
    }

    @Test
    void afterTheEndOfASessionItsMessagesAreNeitherShownNorConfirmed() throws IOException {
        Wire wire = connect();
        receipts.started(wire.link);
        deliver(chat(7));
        receipts.end();
        assertEquals("[7]", wire.next().path("mids").toString());

        assertFalse(deliver(chat(8)), "the server keeps it for the next login");
        receipts.flush();
        assertNothingSentBefore(wire);
    }

    @Test
    void aMessageBeingPrintedWhenTheUserQuitsIsConfirmedBeforeTheEnd() throws Exception {
        Wire wire = connect();
        receipts.started(wire.link);
        CountDownLatch printing = new CountDownLatch(1);
        CountDownLatch printed = new CountDownLatch(1);
        // The connection thread prints the message; a script reads the line and types quit before
        // the printing call has returned.
        Thread connection = Thread.ofPlatform().start(() -> receipts.handle(List.of(chat(7)), unseen -> {
            printing.countDown();
            awaitQuietly(printed);
        }));
        printing.await();
        Thread user = Thread.ofPlatform().start(receipts::end);
        Thread.sleep(200); // end() would drain the queue now if nothing held it back
        printed.countDown();
        user.join(FLUSH_WAIT.toMillis());
        connection.join(FLUSH_WAIT.toMillis());

        assertEquals("[7]", wire.next().path("mids").toString(), "confirmed by the end of the session");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBrokenConnectionDropsWhatWasUnconfirmedAndTheRepeatsAfterTheReconnectAreOnlyConfirmed()
            throws IOException {
        Wire first = connect();
        receipts.started(first.link);
        assertTrue(deliver(chat(7)));
        receipts.stopped();
        receipts.flush();
        assertNothingSentBefore(first);

        Wire second = connect();
        receipts.started(second.link);
        assertFalse(deliver(chat(7)), "delivered again at the next login, shown already");
        assertTrue(deliver(chat(8)));
        receipts.flush();
        assertEquals("[7,8]", second.next().path("mids").toString());
    }

    @Test
    void aReceiptRefusedWithErrno10IsSentAgainAfterAPauseAndTheRefusalIsNotShown() throws IOException {
        Wire wire = connect();
        receipts.started(wire.link);
        deliver(chat(7));
        deliver(chat(8));
        receipts.flush();
        JsonNode first = wire.next();
        assertTrue(first.path("seq").isTextual(), "a seq to match the refusal with: " + first);
        long refusedAt = System.nanoTime();
        assertTrue(receipts.answered(refusal(first, 10)), "dealt with, not shown");

        deliver(chat(9));
        receipts.flush();
        assertEquals("[9]", wire.next().path("mids").toString(), "new ones go out at once, alone");
        receipts.flush();
        assertNothingSentBefore(wire); // within the pause

        awaitPause(refusedAt, ReceiptResends.FIRST_PAUSE);
        receipts.flush();
        JsonNode again = wire.next();
        assertEquals("[7,8]", again.path("mids").toString());
        assertNotEquals(first.path("seq"), again.path("seq"), "a seq of its own");
        receipts.flush();
        assertNothingSentBefore(wire); // no reply means taken: not sent a third time
    }

    @Test
    void aReceiptRefusedOtherwiseIsLeftForTheUserToSeeAndNotSentAgain() throws IOException {
        Wire wire = connect();
        receipts.started(wire.link);
        deliver(chat(7));
        receipts.flush();
        long refusedAt = System.nanoTime();
        assertFalse(receipts.answered(refusal(wire.next(), 8)));
        assertFalse(receipts.answered(Json.object().put("msgid", 11).put("ack", 7).put("errno", 10).put("seq", 1)),
                "another request's");

        awaitPause(refusedAt, ReceiptResends.FIRST_PAUSE);
        receipts.flush();
        assertNothingSentBefore(wire);
    }

    @Test
    void whatWasRefusedGoesWithTheLastReceiptBeforeLoginoutWithoutWaitingForThePause() throws IOException {
        Wire wire = connect();
        receipts.started(wire.link);
        deliver(chat(7));
        receipts.flush();
        receipts.answered(refusal(wire.next(), 10));
        deliver(chat(8));
        receipts.end();

        assertEquals("[8]", wire.next().path("mids").toString());
        assertEquals("[7]", wire.next().path("mids").toString());
    }

    @Test
    void aRefusalThatComesAfterTheSessionEndedAsksForNothing() throws IOException {
        Wire first = connect();
        receipts.started(first.link);
        deliver(chat(7));
        receipts.flush();
        JsonNode receipt = first.next();
        long refusedAt = System.nanoTime();
        receipts.stopped();
        assertTrue(receipts.answered(refusal(receipt, 10)), "ours, so not shown");

        Wire second = connect();
        receipts.started(second.link);
        awaitPause(refusedAt, ReceiptResends.FIRST_PAUSE);
        receipts.flush();
        assertNothingSentBefore(second); // the server delivers 7 again at the login, and it is confirmed then
    }

    /** The errno 10 ACK the server sends for a RECEIPT it cannot take yet, echoing its seq. */
    private static JsonNode refusal(JsonNode receipt, int errno) {
        return Json.object().put("msgid", MessageType.ACK.code()).put("ack", MessageType.RECEIPT.code())
                .put("errno", errno).put("errmsg", "send the receipt again").set("seq", receipt.path("seq"));
    }

    /** Waits until {@code pause} has passed since {@code sinceNanos}, and a little more. */
    private static void awaitPause(long sinceNanos, Duration pause) {
        long remaining = sinceNanos + pause.toNanos() - System.nanoTime();
        try {
            Thread.sleep(Duration.ofNanos(Math.max(0, remaining)).plusMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Does with one chat frame what the client does; returns whether it was shown. */
    private boolean deliver(JsonNode chat) {
        boolean[] shown = new boolean[1];
        receipts.handle(List.of(chat), unseen -> shown[0] = !unseen.isEmpty());
        return shown[0];
    }

    private static JsonNode chat(long mid) {
        return Json.object().put("msgid", 6).put("mid", mid).put("id", 1).put("name", "alice").put("msg", "hi");
    }

    /** Sends a PING down the link and checks that it is the first thing the server end reads. */
    private static void assertNothingSentBefore(Wire wire) throws IOException {
        wire.link.send(Json.object().put("msgid", MessageType.PING.code()));
        assertEquals(MessageType.PING.code(), wire.next().path("msgid").asInt());
    }

    /** A client link and the socket at its other end. */
    private record Wire(ServerLink link, Socket server, BufferedReader serverIn) {
        JsonNode next() throws IOException {
            String line = serverIn.readLine();
            if (line == null) {
                throw new IOException("the link closed before a frame came");
            }
            return Json.parse(line);
        }
    }

    private Wire connect() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerLink link = ServerLink.open("127.0.0.1", listener.getLocalPort(), Duration.ofSeconds(5),
                    Duration.ofSeconds(30), null);
            opened.add(link);
            Socket server = listener.accept();
            opened.add(server);
            server.setSoTimeout((int) FLUSH_WAIT.toMillis());
            return new Wire(link, server,
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)));
        }
    }
}
