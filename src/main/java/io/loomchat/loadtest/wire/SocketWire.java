package io.loomchat.loadtest.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;

/**
 * A load connection over TCP; a virtual thread reads it. A modern server ends every frame with
 * {@code \n}. In the classic dialect frames are split where a JSON object closes instead: the
 * classic C++ server this tool is measured against ends its frames with nothing at all, and one
 * read may hold two of them or half of one.
 */
final class SocketWire implements LoadConnection.Wire {

    private static final int READ_CHUNK_BYTES = 8 * 1024;

    private final Socket socket;
    private final OutputStream out;
    /** Null for {@code \n}-ended frames; else the splitter of bare JSON objects. */
    private final ObjectEnds objectEnds;

    SocketWire(Socket socket, Framing framing) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.objectEnds = framing == Framing.CLASSIC ? new ObjectEnds() : null;
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
                    if (objectEnds != null) {
                        if (objectEnds.closes(buffer[i])) {
                            int from = skipSeparators(buffer, start, i);
                            connection.received(Frame.parse(buffer, from, i + 1 - from));
                            start = i + 1;
                        }
                    } else if (buffer[i] == '\n') {
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

    /** Steps over the terminators (and anything else) left before an object's opening brace. */
    private static int skipSeparators(byte[] buffer, int from, int objectEnd) {
        while (from < objectEnd && buffer[from] != '{') {
            from++;
        }
        return from;
    }

    /**
     * Finds where a bare JSON object ends, one byte at a time across reads: the brace that
     * brings the depth back to zero, outside strings.
     */
    private static final class ObjectEnds {
        private int depth;
        private boolean inString;
        private boolean escaped;

        boolean closes(byte b) {
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
                return false;
            }
            switch (b) {
                case '"' -> inString = true;
                case '{' -> depth++;
                case '}' -> {
                    depth--;
                    return depth == 0;
                }
                default -> {
                }
            }
            return false;
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
