package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * A TCP relay between a client and the server, for the network faults a test needs: it keeps
 * every frame that passes either way, can stop passing on what the client sends (so that its
 * RECEIPTs never arrive) or pass it on only later (so that they arrive when the test has set the
 * server up for them), and can cut every connection at once, as a dropped network would.
 * Frames are modern lines; each is passed on whole.
 */
final class Relay implements AutoCloseable {

    /** One frame the client sent, and whether the relay passed it on to the server (or will, after a delay). */
    record ClientFrame(JsonNode frame, boolean passed) {
    }

    /** One client connection and its connection to the server. */
    private static final class Pair {
        final Socket client;
        final Socket server;
        /** Set by {@link Relay#holdClientFrames()}: the client's frames are kept here, not passed on. */
        volatile boolean holding;

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private final ServerSocket listener;
    private final int serverPort;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private final List<JsonNode> fromServer = new CopyOnWriteArrayList<>();
    private final List<ClientFrame> fromClient = new CopyOnWriteArrayList<>();
    /** Set by {@link #delayClientFrames()}: open when the client's frames go on, closed while they wait. */
    private volatile CountDownLatch clientFramesGate = new CountDownLatch(0);

    private Relay(ServerSocket listener, int serverPort) {
        this.listener = listener;
        this.serverPort = serverPort;
        Thread.ofPlatform().name("relay-accept").daemon(true).start(this::accept);
    }

    /** A relay on a free port of 127.0.0.1 to the server at 127.0.0.1:{@code serverPort}. */
    static Relay start(int serverPort) {
        try {
            return new Relay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), serverPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a port for the relay", e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** From now on, what the clients send on the current connections stays here. */
    void holdClientFrames() {
        pairs.forEach(pair -> pair.holding = true);
    }

    /**
     * From now on, what the clients send is kept back, in order, until {@link #passClientFrames()};
     * the relay reads on meanwhile, so a test sees the frames waiting.
     */
    void delayClientFrames() {
        clientFramesGate = new CountDownLatch(1);
    }

    /** Passes on what {@link #delayClientFrames()} kept back, and all that follows. */
    void passClientFrames() {
        clientFramesGate.countDown();
    }

    /** Waits until the server has sent a frame that matches; fails the test after {@code ClientProcess.WAIT}. */
    JsonNode awaitFromServer(String what, Predicate<JsonNode> test) {
        long deadline = System.nanoTime() + ClientProcess.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode frame : fromServer) {
                if (test.test(frame)) {
                    return frame;
                }
            }
            pause();
        }
        return fail("the server sent no " + what + " within " + ClientProcess.WAIT.toSeconds() + " s; it sent:\n  "
                + String.join("\n  ", fromServer.stream().map(JsonNode::toString).toList()));
    }

    /** Closes every connection both ways; new ones are relayed as usual. */
    void cut() {
        pairs.forEach(Pair::close);
        pairs.clear();
    }

    /** Every frame the server sent, in order. */
    List<JsonNode> fromServer() {
        return List.copyOf(fromServer);
    }

    /** Every frame the clients sent, in order, passed on or held. */
    List<ClientFrame> fromClient() {
        return List.copyOf(fromClient);
    }

    /** Waits until the clients have sent a frame that matches; fails the test after {@code ClientProcess.WAIT}. */
    ClientFrame awaitFromClient(String what, Predicate<ClientFrame> test) {
        long deadline = System.nanoTime() + ClientProcess.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ClientFrame frame : fromClient) {
                if (test.test(frame)) {
                    return frame;
                }
            }
            pause();
        }
        return fail("the client sent no " + what + " within " + ClientProcess.WAIT.toSeconds() + " s; it sent:\n  "
                + String.join("\n  ", fromClient.stream().map(ClientFrame::toString).toList()));
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed by close()
            }
            Socket server = new Socket();
            try {
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort));
            } catch (IOException e) {
                // The server is away; the client sees its connection closed, as it would without us.
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            Pair pair = new Pair(client, server);
            pairs.add(pair);
            Thread.ofPlatform().name("relay-up").daemon(true).start(() -> pump(pair, true));
            Thread.ofPlatform().name("relay-down").daemon(true).start(() -> pump(pair, false));
        }
    }

    private void pump(Pair pair, boolean upstream) {
        Socket from = upstream ? pair.client : pair.server;
        Socket to = upstream ? pair.server : pair.client;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(from.getInputStream(),
                StandardCharsets.UTF_8))) {
            OutputStream out = to.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode frame = line.isBlank() ? null : Json.parse(line);
                boolean pass = !upstream || !pair.holding;
                if (frame != null) {
                    if (upstream) {
                        fromClient.add(new ClientFrame(frame, pass));
                    } else {
                        fromServer.add(frame);
                    }
                }
                if (pass && upstream) {
                    awaitGate();
                }
                if (pass) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (SocketException e) {
            // One side closed, or cut() did: the other side learns it below.
        } catch (IOException e) {
            throw new UncheckedIOException("relaying " + (upstream ? "from the client" : "from the server"), e);
        } finally {
            pair.close();
            pairs.remove(pair);
        }
    }

    private void awaitGate() {
        try {
            clientFramesGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while delaying a frame", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(Duration.ofMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a frame", e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a test's socket that is broken already: nothing is left to clean up.
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        passClientFrames(); // a pump waiting at the gate then finds its sockets closed
        cut();
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // As above.
        }
    }
}
