package io.loomchat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One simulated client: a socket, and a virtual thread that reads its frames and hands each to
 * a handler. Sends come from one other thread at a time (the phase driving this client).
 */
final class LoadConnection implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private volatile Consumer<JsonNode> handler = frame -> { };
    private volatile boolean closing;

    private LoadConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code source} (null: any local address) and starts reading. */
    static LoadConnection open(InetSocketAddress server, InetAddress source) throws IOException {
        Socket socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(source, 0));
        }
        socket.setTcpNoDelay(true);
        socket.connect(server, 10_000);
        LoadConnection connection = new LoadConnection(socket);
        Thread.ofVirtual().name("load-reader").start(connection::readLoop);
        return connection;
    }

    void onFrame(Consumer<JsonNode> frameHandler) {
        this.handler = frameHandler;
    }

    void send(String json) throws IOException {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void readLoop() {
        byte[] line = new byte[1024];
        int length = 0;
        try (InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b != '\n') {
                    if (length == line.length) {
                        line = Arrays.copyOf(line, length * 2);
                    }
                    line[length++] = (byte) b;
                    continue;
                }
                JsonNode frame = Json.parse(line, 0, length);
                length = 0;
                handler.accept(frame);
            }
        } catch (IOException e) {
            if (!closing) {
                handler.accept(Json.object().put("msgid", -1).put("errmsg", e.toString()));
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            socket.close();
        } catch (IOException e) {
            // The load test is over for this client either way; say so only if it matters.
            System.err.println("closing a load-test connection failed: " + e);
        }
    }
}
