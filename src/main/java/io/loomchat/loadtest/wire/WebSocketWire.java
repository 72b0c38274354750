package io.loomchat.loadtest.wire;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A load connection over WebSocket ({@code ws://host:port/ws}), one text message per frame.
 *
 * <p>A blocking client on the connection's own socket, read by a virtual thread like
 * {@link SocketWire}, rather than the JDK's asynchronous {@code java.net.http.WebSocket}: with the
 * JDK client a message cost the load generator about twice the CPU of a TCP frame (a future per
 * send, a hop through its selector thread per receive), and on a box it shares with the servers
 * that made WebSocket look slower than it is. This client does what RFC 6455 asks of a client
 * and nothing more: the upgrade handshake and its accept check, masked frames out, unmasked frames
 * in (text, continuation, ping, close). The tests use the JDK's client, an implementation
 * independent of both.
 */
final class WebSocketWire implements LoadConnection.Wire {

    /** RFC 6455, section 1.3: appended to the key before hashing. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int MAX_HANDSHAKE_BYTES = 8 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    /** The reader answers pings while a sender may be writing. */
    private final ReentrantLock writeLock = new ReentrantLock();

    private WebSocketWire(Socket socket, DataInputStream in) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = in;
    }

    /**
     * Upgrades a connected socket to the server's WebSocket at {@code /ws}.
     *
     * @throws IOException the server did not switch protocols, or answered with the wrong accept key
     */
    static WebSocketWire upgrade(Socket socket, String hostHeader) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET /ws HTTP/1.1\r\nHost: " + hostHeader + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        String response = readHead(in);
        String status = response.lines().findFirst().orElse("");
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("the web port refused the WebSocket upgrade: " + status);
        }
        String expected = "sec-websocket-accept: " + acceptFor(key).toLowerCase();
        if (response.lines().noneMatch(line -> line.toLowerCase().trim().equals(expected))) {
            throw new IOException("the web port answered the upgrade with a wrong Sec-WebSocket-Accept");
        }
        return new WebSocketWire(socket, in);
    }

    @Override
    public void write(byte[] frame) throws IOException {
        // The frame ends in its \n terminator, which a WebSocket message does not carry.
        byte[] encoded = encode(OP_TEXT, frame, frame.length - 1);
        writeLock.lock();
        try {
            out.write(encoded);
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs on the connection's reader thread until the WebSocket ends. */
    void readLoop(LoadConnection connection) {
        byte[] message = new byte[0];
        int messageLength = 0;
        try {
            while (true) {
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                boolean fin = (first & 0x80) != 0;
                int opcode = first & 0x0F;
                long length = second & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                if ((second & 0x80) != 0 || length > Integer.MAX_VALUE - messageLength) {
                    throw new IOException("the server sent a masked or oversized WebSocket frame");
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                switch (opcode) {
                    case OP_TEXT, OP_CONTINUATION -> {
                        if (messageLength + payload.length > message.length) {
                            message = Arrays.copyOf(message, messageLength + payload.length);
                        }
                        System.arraycopy(payload, 0, message, messageLength, payload.length);
                        messageLength += payload.length;
                        if (fin) {
                            connection.received(Frame.parse(message, 0, messageLength));
                            messageLength = 0;
                        }
                    }
                    case OP_PING -> pong(payload);
                    case OP_CLOSE -> throw new SocketException("the server closed the WebSocket"
                            + (payload.length >= 2 ? " with code " + (((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)) : ""));
                    default -> {
                        // Pong, or binary, which this protocol's server never sends: nothing to do.
                    }
                }
            }
        } catch (EOFException e) {
            connection.ended(new SocketException("the server closed the connection"));
        } catch (IOException | RuntimeException e) {
            connection.ended(e);
        }
    }

    private void pong(byte[] payload) throws IOException {
        byte[] encoded = encode(0xA, payload, payload.length);
        writeLock.lock();
        try {
            out.write(encoded);
        } finally {
            writeLock.unlock();
        }
    }

    /** One final frame, masked with a fresh key as every client frame must be (RFC 6455, 5.3). */
    private static byte[] encode(int opcode, byte[] payload, int length) {
        int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
        byte[] frame = new byte[header + 4 + length];
        frame[0] = (byte) (0x80 | opcode);
        if (length < 126) {
            frame[1] = (byte) (0x80 | length);
        } else if (length < 65_536) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        int mask = ThreadLocalRandom.current().nextInt();
        byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        System.arraycopy(key, 0, frame, header, 4);
        int at = header + 4;
        for (int i = 0; i < length; i++) {
            frame[at + i] = (byte) (payload[i] ^ key[i & 3]);
        }
        return frame;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the web port closed the connection during the WebSocket handshake");
            }
            if (head.length() >= MAX_HANDSHAKE_BYTES) {
                throw new IOException("the web port's handshake answer is over " + MAX_HANDSHAKE_BYTES + " bytes");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
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
