package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

        assertEquals("{\"msgid\":15,\"mids\":[7,8]}", wire.next().toString());
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

    /** Does with one chat frame what the client does; returns whether it was shown. */
    private boolean deliver(JsonNode chat) {
        boolean shown = receipts.toShow(chat);
        receipts.handled(chat);
        return shown;
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
