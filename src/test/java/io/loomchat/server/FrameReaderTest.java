package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framing rules of PROTOCOL.md, checked byte by byte without a socket. */
class FrameReaderTest {

    private record Frame(String text, boolean nul) {
    }

    @Test
    void newlineAndNulTerminatedFramesAreSplitAndCarriageReturnsDropped() throws IOException {
        List<Frame> frames = read("a\nb\r\nc\0d\0\n\ne", 1_000, Integer.MAX_VALUE);
        assertEquals(List.of(new Frame("a", false), new Frame("b", false), new Frame("c", true), new Frame("d", true)),
                frames, "empty frames are skipped and the unterminated tail is dropped");
    }

    @Test
    void aFrameArrivingOneByteAtATimeIsReassembled() throws IOException {
        String text = "{\"msgid\":6,\"msg\":\"" + "x".repeat(3_000) + "\"}";
        assertEquals(List.of(new Frame(text, false)), read(text + "\n", 10_000, 1));
    }

    @Test
    void framesLargerThanTheInitialBufferGrowItAndItShrinksBackAfterwards() throws IOException {
        String big = "b".repeat(FrameReader.INITIAL_BUFFER_BYTES * 5);
        List<Frame> frames = read("small\n" + big + "\nafter\n", 10_000, 700);
        assertEquals(List.of(new Frame("small", false), new Frame(big, false), new Frame("after", false)), frames);
    }

    @Test
    void aFrameOfExactlyTheLimitPassesAndOneByteMoreIsRefused() throws IOException {
        int limit = 1_000;
        assertEquals(1, read("x".repeat(limit) + "\r\n", limit, 333).size());
        assertThrows(FrameReader.FrameTooLargeException.class, () -> read("x".repeat(limit + 1) + "\n", limit, 333));
        assertThrows(FrameReader.FrameTooLargeException.class, () -> read("x".repeat(limit * 3), limit, 333),
                "an endless frame is refused before its end arrives");
    }

    private static List<Frame> read(String input, int limit, int chunk) throws IOException {
        List<Frame> frames = new ArrayList<>();
        InputStream in = new ChunkedInput(input.getBytes(StandardCharsets.UTF_8), chunk);
        FrameReader reader = new FrameReader(in, limit);
        // Every third frame asks the reader to stop, as a connection does when it moves to a
        // fresh thread, and every other wait for bytes falls asleep, as an idle connection
        // does: calling again must carry on with the bytes already buffered.
        int[] waits = {0};
        FrameReader.Sleep everyOtherWait = () -> waits[0]++ % 2 == 1;
        while (reader.readAll((buffer, offset, length, nul) -> {
            frames.add(new Frame(new String(buffer, offset, length, StandardCharsets.UTF_8), nul));
            return frames.size() % 3 == 0;
        }, everyOtherWait) != FrameReader.Stop.END_OF_STREAM) {
            // read on
        }
        return frames;
    }

    /** Hands out at most {@code chunk} bytes per read, as a slow network would. */
    private static final class ChunkedInput extends ByteArrayInputStream {
        private final int chunk;

        ChunkedInput(byte[] bytes, int chunk) {
            super(bytes);
            this.chunk = chunk;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, chunk));
        }
    }
}
