package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte stream's framing: what a TCP client reads is each frame's JSON and its terminator. */
class StreamFrameWriterTest {

    @Test
    void everyFrameOfABatchEndsWithTheTerminatorInOneWrite() throws Exception {
        CountingStream socket = new CountingStream();
        List<OutboundFrame> batch = List.of(frame("{\"msgid\":11}"), frame("{\"msgid\":6,\"msg\":\"hé\"}"), frame("{}"));
        int batchBytes = batch.stream().mapToInt(frame -> frame.bytes().length).sum();

        new StreamFrameWriter(socket).write(batch, batchBytes);

        assertEquals("{\"msgid\":11}\n{\"msgid\":6,\"msg\":\"hé\"}\n{}\n", socket.toString(StandardCharsets.UTF_8));
        assertEquals(1, socket.writes, "a batch is one write: one system call for a burst of frames");
    }

    @Test
    void aSingleFrameIsTerminatedToo() throws Exception {
        CountingStream socket = new CountingStream();
        OutboundFrame only = frame("{\"msgid\":13}");

        new StreamFrameWriter(socket).write(List.of(only), only.bytes().length);

        assertEquals("{\"msgid\":13}\n", socket.toString(StandardCharsets.UTF_8));
    }

    private static OutboundFrame frame(String json) {
        return OutboundFrame.of(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A socket's output as the writer sees it, counting the writes it is given. */
    private static final class CountingStream extends ByteArrayOutputStream {
        int writes;

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            writes++;
            super.write(bytes, offset, length);
        }
    }
}
