package io.loomchat.loadtest.receipts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.report.Metrics;
import io.loomchat.loadtest.wire.Frame;
import io.loomchat.loadtest.wire.Framing;
import io.loomchat.loadtest.wire.LoadConnection;
import io.loomchat.loadtest.wire.LoadTransport;
import io.loomchat.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A receipts session's batch over a real socket: what reaches the other end, frame by frame. */
class ReceiptBatchTest {

    private final Metrics metrics = new Metrics();
    private ServerSocket listening;
    private LoadConnection connection;
    private Socket serverSide;
    private BufferedReader frames;

    @BeforeEach
    void connect() throws Exception {
        listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        connection = LoadTransport.TCP.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), listening.getLocalPort()),
                null, Framing.MODERN, new LoadConnection.Listener() {
                    @Override
                    public void onFrame(LoadConnection from, Frame frame) {
                        // This end never writes.
                    }

                    @Override
                    public void onDropped(LoadConnection from, Exception cause) {
                        // Only at the end of each test.
                    }
                }, null);
        serverSide = listening.accept();
        frames = new BufferedReader(new InputStreamReader(serverSide.getInputStream(), StandardCharsets.UTF_8));
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
        serverSide.close();
        listening.close();
    }

    @Test
    void pendingMidsGoOutInReceiptsOfAtMostAThousandAndOnlyTheFirstMidQueuesTheBatch() throws Exception {
        ReceiptBatch batch = new ReceiptBatch(connection, metrics, null);
        assertTrue(batch.add(1), "the first mid: hand the batch to the flusher");
        for (long mid = 2; mid <= 2_500; mid++) {
            assertFalse(batch.add(mid), "already queued");
        }

        batch.flush();

        long expected = 1;
        for (int size : new int[] {1_000, 1_000, 500}) {
            JsonNode receipt = Json.parse(frames.readLine());
            assertEquals(15, receipt.path("msgid").asInt());
            assertEquals(size, receipt.path("mids").size());
            for (JsonNode mid : receipt.path("mids")) {
                assertEquals(expected++, mid.asLong());
            }
        }
        assertEquals(3, metrics.get(Count.RECEIPT_FRAMES));
        assertEquals(2_500, metrics.get(Count.CONFIRMED));
        assertTrue(batch.add(2_501), "flushed: the next mid queues the batch again");
    }

    @Test
    void theSealSendsWhatIsPendingAndNothingIsNotedOrSentAfterIt() throws Exception {
        ReceiptBatch batch = new ReceiptBatch(connection, metrics, null);
        batch.add(7);
        batch.add(8);

        batch.seal();
        assertFalse(batch.add(9), "after the last RECEIPT a message is left to come again");
        batch.flush();
        connection.send("{\"msgid\":3}");

        assertEquals("{\"msgid\":15,\"mids\":[7,8]}", frames.readLine());
        assertEquals("{\"msgid\":3}", frames.readLine(), "LOGINOUT follows the last RECEIPT");
    }

    @Test
    void aFlushWithNothingPendingSendsNothing() throws Exception {
        ReceiptBatch batch = new ReceiptBatch(connection, metrics, null);

        batch.flush();
        connection.send("{\"msgid\":12}");

        assertEquals("{\"msgid\":12}", frames.readLine());
        assertEquals(0, metrics.get(Count.RECEIPT_FRAMES));
    }

    /**
     * Chaos proves confirmations: each flush is followed by a PING on the wire, and PONGs, which
     * carry nothing, pair with PINGs by number on the connection: a heartbeat's PONG proves
     * nothing, and an error ACK for a RECEIPT voids the proof of the PING that follows it and hands
     * its mids back, to be sent again.
     */
    @Test
    void aPongProvesTheReceiptsBeforeItsPingUnlessOneWasRefused() throws Exception {
        ConfirmationProofs proofs = new ConfirmationProofs();
        ReceiptBatch batch = new ReceiptBatch(connection, metrics, proofs);
        batch.add(11);
        batch.add(12);
        batch.flush();
        connection.sendPing("{\"msgid\":12}"); // a heartbeat between
        batch.add(13);
        batch.flush();

        assertEquals("{\"msgid\":15,\"mids\":[11,12]}", frames.readLine());
        assertEquals("{\"msgid\":12}", frames.readLine());
        assertEquals("{\"msgid\":12}", frames.readLine());
        assertEquals("{\"msgid\":15,\"mids\":[13]}", frames.readLine());
        assertEquals("{\"msgid\":12}", frames.readLine());

        assertEquals(List.of(11L, 12L), boxed(proofs.ponged(1).proven()), "the first PONG proves 11 and 12");
        assertEquals(List.of(), boxed(proofs.ponged(2).proven()), "the heartbeat's PONG proves nothing");
        proofs.receiptRefused(2); // errno 10 for the RECEIPT of 13, read after two PONGs
        ConfirmationProofs.Pong refused = proofs.ponged(3);
        assertEquals(List.of(), boxed(refused.proven()), "a refused RECEIPT proves nothing");
        assertEquals(List.of(13L), boxed(refused.refused()), "its mids are to be sent again");
        assertEquals(List.of(), boxed(proofs.ponged(4).proven()), "a PONG without a PING proves nothing");
    }

    private static List<Long> boxed(long[] mids) {
        return Arrays.stream(mids).boxed().toList();
    }
}
