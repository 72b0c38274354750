package io.loomchat.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Frames onto a byte stream (a TCP or TLS socket): a batch goes out joined into one write, so
 * that a burst of small frames costs one system call rather than one each.
 */
final class StreamFrameWriter implements FrameWriter {

    private final OutputStream out;

    StreamFrameWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(List<OutboundFrame> batch, int batchBytes) throws IOException {
        if (batch.size() == 1) {
            out.write(batch.get(0).bytes());
        } else {
            byte[] joined = new byte[batchBytes];
            int at = 0;
            for (OutboundFrame frame : batch) {
                byte[] bytes = frame.bytes();
                System.arraycopy(bytes, 0, joined, at, bytes.length);
                at += bytes.length;
            }
            out.write(joined);
        }
        out.flush();
    }
}
