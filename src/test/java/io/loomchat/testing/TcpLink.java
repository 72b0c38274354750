package io.loomchat.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** Frames over a TCP (or TLS) socket, each ending in {@code \n}. */
final class TcpLink implements FrameLink {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean endOfStream;
    /** Bytes of a frame whose end has not arrived yet; kept across timeouts. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    TcpLink(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    @Override
    public void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("send failed", e);
        }
    }

    @Override
    public byte[] read(Duration wait) {
        try {
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            while (true) {
                int b = in.read();
                if (b < 0) {
                    endOfStream = true;
                    return null;
                }
                if (b == '\n') {
                    byte[] frame = partial.toByteArray();
                    partial.reset();
                    return frame;
                }
                partial.write(b);
            }
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading from the server failed", e);
        }
    }

    @Override
    public boolean ended() {
        return endOfStream;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
