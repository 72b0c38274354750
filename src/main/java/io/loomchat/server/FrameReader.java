package io.loomchat.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into frames ended by {@code \n} or {@code \0}.
 *
 * <p>The buffer starts small and grows only while one frame needs it, then shrinks back: an
 * idle connection holds {@value #INITIAL_BUFFER_BYTES} bytes here, not a {@code BufferedReader}'s
 * 8K chars, because the cluster must keep 100,000 idle connections on one box. Bytes are never
 * decoded here; the JSON parser checks UTF-8 itself.
 *
 * <p>Not thread-safe: owned by the connection's reader thread.
 */
final class FrameReader {

    /** A chat frame with a 64-character text is about 100 bytes; a login about 50. */
    static final int INITIAL_BUFFER_BYTES = 256;

    /** Receives frames as they are split off. */
    interface Sink {
        /**
         * Takes one frame; returns true to make {@link #readAll} return after it, so that the
         * caller can go on reading on another thread (see {@link ConnectionListener#onFrame}).
         */
        boolean frame(byte[] buffer, int offset, int length, boolean nulTerminated) throws IOException;
    }

    /**
     * Asked each time the reader has handed out every byte it holds and would block for more:
     * returning true ends {@link #readAll} there (with {@link Stop#ASLEEP}), the connection
     * having arranged to call it again, from a new thread, once bytes arrive. That call may
     * begin before this one has returned: the reader touches nothing after a yes.
     */
    interface Sleep {
        boolean fallAsleep();
    }

    /** Never falls asleep: the reader blocks for the next bytes. */
    static final Sleep NEVER = () -> false;

    /** Why {@link #readAll} returned. */
    enum Stop {
        /** The peer closed its side. */
        END_OF_STREAM,
        /** The sink asked to go on reading on a fresh thread. */
        HANDED_OVER,
        /** {@link Sleep#fallAsleep} said yes: nothing is buffered, and the caller's thread may end. */
        ASLEEP
    }

    private static final byte[] NO_BUFFER = new byte[0];

    /** Thrown when a frame exceeds the limit; the connection is not worth reading any further. */
    static final class FrameTooLargeException extends IOException {
        FrameTooLargeException(int limit) {
            super("frame larger than " + limit + " bytes");
        }
    }

    private final InputStream in;
    private final int maxFrameBytes;
    private byte[] buffer = new byte[INITIAL_BUFFER_BYTES];
    /** Start of the frame being assembled. */
    private int start;
    /** End of the bytes read so far. */
    private int end;
    /** Where the search for the next terminator resumes. */
    private int scanned;

    FrameReader(InputStream in, int maxFrameBytes) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Reads and hands out frames until the peer closes its side, the sink asks to stop after a
     * frame, or the reader falls asleep between frames; calling again, from any thread, carries
     * on where this call stopped. A trailing partial frame at end of stream is dropped: the peer
     * never finished it. Asleep, the reader holds no buffer at all.
     */
    Stop readAll(Sink sink, Sleep sleep) throws IOException {
        if (buffer.length == 0) {
            buffer = new byte[INITIAL_BUFFER_BYTES];
        }
        while (true) {
            for (int i = scanned; i < end; i++) {
                byte b = buffer[i];
                if (b == '\n' || b == 0) {
                    boolean stop = emit(sink, i, b == 0);
                    start = i + 1;
                    if (stop) {
                        scanned = start;
                        return Stop.HANDED_OVER;
                    }
                }
            }
            if (start == end) {
                start = 0;
                end = 0;
                if (buffer.length > INITIAL_BUFFER_BYTES) {
                    buffer = new byte[INITIAL_BUFFER_BYTES];
                }
                scanned = 0;
                // Let go of the buffer before asking: once asleep, the next reader may start on
                // another thread at any moment, and this one must not touch anything after that.
                byte[] kept = buffer;
                buffer = NO_BUFFER;
                if (sleep.fallAsleep()) {
                    return Stop.ASLEEP;
                }
                buffer = kept;
            }
            // A frame of exactly the limit may still be waiting for the \n after its \r.
            if (end - start > maxFrameBytes + 1) {
                throw new FrameTooLargeException(maxFrameBytes);
            }
            makeRoom();
            scanned = end;
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                return Stop.END_OF_STREAM;
            }
            end += n;
        }
    }

    private boolean emit(Sink sink, int terminatorIndex, boolean nulTerminated) throws IOException {
        int length = terminatorIndex - start;
        if (!nulTerminated && length > 0 && buffer[terminatorIndex - 1] == '\r') {
            length--;
        }
        if (length > maxFrameBytes) {
            throw new FrameTooLargeException(maxFrameBytes);
        }
        return length > 0 && sink.frame(buffer, start, length, nulTerminated);
    }

    /** Ensures free space at the end of the buffer, compacting before growing. */
    private void makeRoom() {
        if (end < buffer.length) {
            return;
        }
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            return;
        }
        // One byte over the limit is enough to tell that a frame is too large.
        int limit = maxFrameBytes + 2;
        buffer = Arrays.copyOf(buffer, Math.min(Math.max(buffer.length * 2, 1), limit));
    }
}
