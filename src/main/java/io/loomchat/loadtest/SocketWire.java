package io.loomchat.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;

/** A load connection over TCP: frames end in {@code \n}; a virtual thread reads them. */
final class SocketWire implements LoadConnection.Wire {

    private static final int READ_CHUNK_BYTES = 8 * 1024;

    private final Socket socket;
    private final OutputStream out;

    SocketWire(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    @Override
    public void write(byte[] frame) throws IOException {
        out.write(frame);
    }

    /** Runs on the connection's reader thread until the socket ends. */
    void readLoop(LoadConnection connection) {
        byte[] buffer = new byte[READ_CHUNK_BYTES];
        int filled = 0;
        try (InputStream in = socket.getInputStream()) {
            while (true) {
                if (filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                int read = in.read(buffer, filled, buffer.length - filled);
                if (read < 0) {
                    throw new SocketException("the server closed the connection");
                }
                int start = 0;
                int end = filled + read;
                for (int i = filled; i < end; i++) {
                    if (buffer[i] == '\n') {
                        if (i > start) {
                            connection.received(Frame.parse(buffer, start, i - start));
                        }
                        start = i + 1;
                    }
                }
                filled = end - start;
                System.arraycopy(buffer, start, buffer, 0, filled);
            }
        } catch (IOException | RuntimeException e) {
            connection.ended(e);
        }
    }

    @Override
    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
