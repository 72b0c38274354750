package io.loomchat.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Frames onto a byte stream (a TCP or TLS socket), each ended by {@code \n}, the stream's
 * terminator (PROTOCOL.md, "Transports"; the classic dialect's clients read it too). A batch
 * goes out joined into one write, so that a burst of small frames costs one system call rather
 * than one each.
 */
final class StreamFrameWriter implements FrameWriter {

    static final byte TERMINATOR = '\n';

    private final OutputStream out;

    StreamFrameWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(List<OutboundFrame> batch, int batchBytes) throws IOException {
        byte[] joined = new byte[batchBytes + batch.size()];
        int at = 0;
        for (OutboundFrame frame : batch) {
            byte[] bytes = frame.bytes();
            System.arraycopy(bytes, 0, joined, at, bytes.length);
            at += bytes.length;
            joined[at++] = TERMINATOR;
        }
        out.write(joined);
        out.flush();
    }
}
