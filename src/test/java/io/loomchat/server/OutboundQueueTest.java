package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The queue between the chat service and a connection's transport, with a writer that blocks
 * as a socket does when its peer stops reading: frames go out whole and in order, a client that
 * stops reading is disconnected once its queue is full, and whatever was not written comes back
 * to its sender, in order, when the connection ends.
 */
class OutboundQueueTest {

    private static final long SECONDS_10 = TimeUnit.SECONDS.toNanos(10);

    /** What happened to each frame, in the order it happened: "written a", "undelivered b". */
    private final ConcurrentLinkedQueue<String> fates = new ConcurrentLinkedQueue<>();
    private final BlockingWriter writer = new BlockingWriter();

    @Test
    void framesAreWrittenWholeInOrderAndEachIsReportedWritten() throws Exception {
        OutboundQueue queue = new OutboundQueue(writer, writer::closeSocket, 100, 1_000_000);
        writer.peerReads(Integer.MAX_VALUE / 2);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            assertTrue(queue.send(frame("f" + i)));
            expected.add("written f" + i);
        }
        queue.finish(SECONDS_10);

        assertEquals(expected, List.copyOf(fates));
        assertEquals(expected.stream().map(fate -> fate.substring("written ".length())).toList(), writer.written());
        assertFalse(writer.socketClosed(), "a flushed queue needs no forced close");
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWhenItsQueueIsFullAndGetsNothingMore() throws Exception {
        OutboundQueue queue = new OutboundQueue(writer, writer::closeSocket, 2, 1_000_000);
        assertTrue(queue.send(frame("a")));
        writer.awaitWriteStarted(); // "a" has left the queue and sits in the socket's buffer
        assertTrue(queue.send(frame("b")));
        assertTrue(queue.send(frame("c")));

        assertFalse(queue.send(frame("d")), "a third frame waiting is one too many");
        assertTrue(writer.socketClosed(), "the slow client is disconnected at once");
        assertEquals("2 frames, 2 bytes queued", queue.overflow());
        assertFalse(queue.send(frame("e")), "nothing is queued once the queue has overflowed");

        queue.finish(SECONDS_10);
        assertEquals(List.of("undelivered a", "undelivered b", "undelivered c"), List.copyOf(fates),
                "the frame whose write failed comes back first, then the queued ones");
    }

    @Test
    void theOldestFrameDoesNotCountAgainstTheByteLimit() throws Exception {
        OutboundQueue queue = new OutboundQueue(writer, writer::closeSocket, 100, 10);
        assertTrue(queue.send(frame("first")));
        writer.awaitWriteStarted();
        // A login ack with a long backlog, larger than the limit by itself, and a message behind it.
        assertTrue(queue.send(frame("x".repeat(99))));
        assertTrue(queue.send(frame("1234")));
        assertNull(queue.overflow());
        assertFalse(queue.send(frame("1234567")), "the frames behind the oldest are over the limit now");
        assertTrue(queue.overflow().startsWith("2 frames"), queue.overflow());
    }

    @Test
    void finishWaitsForTheWriterToFlushWhatIsQueued() throws Exception {
        OutboundQueue queue = new OutboundQueue(writer, writer::closeSocket, 100, 1_000_000);
        queue.send(frame("a"));
        writer.awaitWriteStarted();
        queue.send(frame("b"));

        CompletableFuture<Void> finished = CompletableFuture.runAsync(() -> queue.finish(SECONDS_10));
        writer.peerReads(2); // the peer reads again: "a", then "b" in a second batch
        finished.get(10, TimeUnit.SECONDS);

        assertEquals(List.of("written a", "written b"), List.copyOf(fates));
        assertFalse(queue.send(frame("late")), "a finished queue takes no new frames");
        assertFalse(writer.socketClosed());
    }

    @Test
    void finishGivesUpOnAStuckWriterAfterItsTimeoutAndReturnsEveryFrameUndelivered() throws Exception {
        OutboundQueue queue = new OutboundQueue(writer, writer::closeSocket, 100, 1_000_000);
        queue.send(frame("a"));
        writer.awaitWriteStarted();
        queue.send(frame("b"));

        long started = System.nanoTime();
        queue.finish(TimeUnit.MILLISECONDS.toNanos(200));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertTrue(tookMillis >= 200 && tookMillis < 5_000, "took " + tookMillis + " ms");
        assertTrue(writer.socketClosed(), "closing the socket is what unblocks the write");
        assertEquals(List.of("undelivered a", "undelivered b"), List.copyOf(fates));
    }

    private OutboundFrame frame(String text) {
        return new OutboundFrame(text.getBytes(StandardCharsets.UTF_8), new OutboundFrame.Callback() {
            @Override
            public void written() {
                fates.add("written " + text);
            }

            @Override
            public void undelivered() {
                fates.add("undelivered " + text);
            }
        });
    }

    /**
     * A transport whose peer reads only when the test says: each batch waits for one
     * {@link #peerReads read}, and fails, as a socket's write does, once the socket is closed.
     */
    private static final class BlockingWriter implements FrameWriter {
        private final Semaphore reads = new Semaphore(0);
        private final CountDownLatch writeStarted = new CountDownLatch(1);
        private final AtomicInteger closes = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> written = new ConcurrentLinkedQueue<>();

        @Override
        public void write(List<OutboundFrame> batch, int batchBytes) throws IOException {
            writeStarted.countDown();
            reads.acquireUninterruptibly();
            if (closes.get() > 0) {
                throw new IOException("Socket closed");
            }
            for (OutboundFrame frame : batch) {
                written.add(new String(frame.bytes(), StandardCharsets.UTF_8));
            }
        }

        void peerReads(int batches) {
            reads.release(batches);
        }

        void awaitWriteStarted() throws InterruptedException {
            assertTrue(writeStarted.await(10, TimeUnit.SECONDS), "the writer never started");
        }

        void closeSocket() {
            closes.incrementAndGet();
            reads.release(Integer.MAX_VALUE / 2); // wakes a blocked write, which then fails
        }

        boolean socketClosed() {
            return closes.get() > 0;
        }

        List<String> written() {
            return List.copyOf(written);
        }
    }
}
