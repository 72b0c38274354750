package io.loomchat.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.loomchat.protocol.Json;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based tests of the wire: random, mutated and damaged frames, split at random points
 * into several writes, in both dialects, against one real server over real TCP (started once for
 * the class: booting a server per try would cost more than the tries).
 *
 * <p>What must hold whatever arrives: the server closes a connection only after errno 9 (a frame
 * over the limit) or when the client closes it; in the modern dialect every non-empty frame gets
 * exactly one reply (LOGIN/REG ack, ACK or PONG) and a final PING is still answered; in the legacy
 * dialect (which sends no ACKs) a final registration still gets its ack; once the client has gone,
 * the server is back to its connection and online-user counts, and no thread is left behind.
 *
 * <p>On failure jqwik prints the seed; {@code @Property(seed = "...")} replays it.
 */
class RandomFramesFuzzTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Platform threads the server may start lazily (hash pool, JDBC pool, carriers) beyond the start. */
    private static final int THREAD_SLACK = 24;
    private static final int USERS = 12;
    private static final int GROUPS = 3;
    private static final int LOGIN_ACK = 2;
    private static final int REGISTER_ACK = 5;
    private static final int ACK = 11;
    private static final int PONG = 13;
    private static final byte[] FIRST_MODERN = "{\"msgid\":12,\"seq\":\"fuzz-start\"}\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FIRST_LEGACY = "{\"msgid\":12}\0".getBytes(StandardCharsets.UTF_8);

    private static RunningServer server;
    private static FuzzFrames.Population population;
    private static int baselineConnections;
    private static int baselineOnline;
    private static int baselineThreads;
    private static final AtomicLong FRAMES_SENT = new AtomicLong();
    private static final AtomicInteger PROBES = new AtomicInteger();
    /**
     * Replies by "type/answered type/errno" ("?" for an unknown type), printed at the end: shows
     * how far into the handlers the frames got.
     */
    private static final Map<String, LongAdder> REPLIES = new ConcurrentSkipListMap<>();

    @BeforeContainer
    static void startServerWithUsersAndGroups() {
        server = RunningServer.start(Backend.H2);
        List<Integer> users = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        try (ChatClient client = server.connect()) {
            for (int i = 0; i < USERS; i++) {
                users.add(client.register("fuzz-user-" + i, FuzzFrames.PASSWORD));
            }
            client.login(users.get(0), FuzzFrames.PASSWORD);
            for (int i = 0; i < GROUPS; i++) {
                JsonNode ack = client.call("{\"msgid\":8,\"groupname\":\"fuzz-group-" + i + "\",\"groupdesc\":\"\"}");
                assertEquals(0, ack.path("errno").asInt(), ack::toString);
                groups.add(ack.path("groupid").asInt());
            }
        }
        population = new FuzzFrames.Population(List.copyOf(users), List.copyOf(groups));
        awaitTrue(() -> server.server().connections() == 0 && server.server().onlineUsers() == 0,
                "the set-up client to be gone");
        baselineConnections = server.server().connections();
        baselineOnline = server.server().onlineUsers();
        baselineThreads = Thread.getAllStackTraces().size();
    }

    @AfterContainer
    static void stopServer() {
        System.out.println("RandomFramesFuzzTest: " + FRAMES_SENT.get() + " fuzz frames sent; replies by"
                + " msgid/ack/errno: " + REPLIES);
        if (server != null) {
            server.close();
        }
    }

    @Property(tries = 250, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void everyModernFrameGetsExactlyOneReplyAndTheConnectionStaysOpen(
            @ForAll("modernFrames") List<byte[]> frames, @ForAll("cuts") List<Integer> cuts,
            @ForAll("unfinished") byte[] unfinished, @ForAll @IntRange(min = -1, max = USERS - 1) int loginAs)
            throws IOException {
        modernConversation(frames, cuts, unfinished, loginAs);
        assertServerBackToBaseline();
    }

    /**
     * Three such connections at once, often as users that know each other: logins race, chat and
     * presence cross between them, and each still gets exactly its own replies.
     */
    @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void connectionsFuzzedAtTheSameTimeEachGetTheirOwnReplies(
            @ForAll("fewerModernFrames") List<byte[]> first, @ForAll("fewerModernFrames") List<byte[]> second,
            @ForAll("fewerModernFrames") List<byte[]> third, @ForAll("cuts") List<Integer> cuts,
            @ForAll @IntRange(min = -1, max = 3) int firstUser, @ForAll @IntRange(min = -1, max = 3) int secondUser,
            @ForAll @IntRange(min = -1, max = 3) int thirdUser) throws Exception {
        List<Thread> threads = new ArrayList<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int[] users = {firstUser, secondUser, thirdUser};
        List<List<byte[]>> streams = List.of(first, second, third);
        for (int i = 0; i < users.length; i++) {
            int user = users[i];
            List<byte[]> frames = streams.get(i);
            threads.add(Thread.ofVirtual().name("fuzz-connection-" + i).start(() -> {
                try {
                    modernConversation(frames, cuts, new byte[0], user);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " of 3 connections failed", failures.peek());
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
        assertServerBackToBaseline();
    }

    /**
     * One modern connection: a PING, maybe a login, the fuzz frames in pieces, a final PING; then
     * exactly one reply per frame, no close, and a client that leaves mid-frame.
     */
    private static void modernConversation(List<byte[]> frames, List<Integer> cuts, byte[] unfinished, int loginAs)
            throws IOException {
        byte[] fuzz = FuzzFrames.concat(frames.toArray(byte[][]::new));
        String endSeq = "fuzz-end-" + PROBES.incrementAndGet();
        byte[] stream = FuzzFrames.concat(FIRST_MODERN, login(loginAs, '\n'), fuzz,
                ("{\"msgid\":12,\"seq\":\"" + endSeq + "\"}\n").getBytes(StandardCharsets.UTF_8));
        int expected = (loginAs < 0 ? 2 : 3) + nonEmptyFrames(fuzz);
        try (Socket socket = connect()) {
            Receiver receiver = Receiver.start(socket);
            writeInPieces(socket.getOutputStream(), stream, cuts);
            FRAMES_SENT.addAndGet(frames.size());
            awaitTrue(() -> receiver.replies() >= expected && receiver.sawPong(endSeq) || receiver.closed(),
                    () -> "exactly " + expected + " replies and the PONG of " + endSeq + "; " + receiver);
            assertFalse(receiver.closed(), () -> "the server closed the connection: " + receiver);
            assertEquals(expected, receiver.replies(), () -> "one reply per non-empty frame: " + receiver);
            for (JsonNode reply : receiver.frames) {
                assertWellFormedReply(reply);
                assertTrue(reply.path("errno").asInt() != 9, () -> "errno 9 without an oversized frame: " + reply);
            }
            // The client goes away in the middle of a frame: the server must let go all the same.
            socket.getOutputStream().write(unfinished);
        }
    }

    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void aLegacyConnectionSurvivesAnythingAndStillAnswersARegistration(
            @ForAll("legacyFrames") List<byte[]> frames, @ForAll("cuts") List<Integer> cuts,
            @ForAll @IntRange(min = -1, max = USERS - 1) int loginAs) throws IOException {
        String probe = "fzprobe" + PROBES.incrementAndGet();
        byte[] stream = FuzzFrames.concat(FIRST_LEGACY, login(loginAs, 0), FuzzFrames.concat(frames.toArray(byte[][]::new)),
                ("{\"msgid\":4,\"name\":\"" + probe + "\",\"password\":\"x\"}\0").getBytes(StandardCharsets.UTF_8));
        try (Socket socket = connect()) {
            Receiver receiver = Receiver.start(socket);
            writeInPieces(socket.getOutputStream(), stream, cuts);
            FRAMES_SENT.addAndGet(frames.size());
            awaitTrue(() -> receiver.closed() || userId(probe) != null, () -> "the registration of " + probe);
            assertFalse(receiver.closed(), () -> "the server closed the connection: " + receiver);
            int id = userId(probe);
            awaitTrue(() -> receiver.sawRegistration(id) || receiver.closed(),
                    () -> "the REG ack of " + probe + " (id " + id + "); " + receiver);
            assertFalse(receiver.closed(), () -> "the server closed the connection: " + receiver);
            for (JsonNode frame : receiver.frames) {
                int msgid = frame.path("msgid").asInt();
                assertTrue(msgid == LOGIN_ACK || msgid == REGISTER_ACK || msgid == 6 || msgid == 10,
                        () -> "the legacy dialect carries only 2, 5, 6 and 10: " + frame);
                assertWellFormedReply(frame);
            }
        }
        assertServerBackToBaseline();
    }

    @Property(tries = 30, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void anOversizedFrameIsAnsweredWithErrno9AndOnlyThenClosed(
            @ForAll("fewModernFrames") List<byte[]> frames, @ForAll boolean legacy) throws IOException {
        byte[] fuzz = FuzzFrames.concat(frames.toArray(byte[][]::new));
        // Exactly the bytes the server reads before it gives up on a frame (limit + 2): nothing is
        // left unread, so the close is a FIN and the errno 9 reply cannot be lost to a reset.
        byte[] oversized = new byte[RunningServer.defaultNetwork().maxFrameBytes() + 2];
        Arrays.fill(oversized, (byte) 'x');
        byte[] stream = FuzzFrames.concat(legacy ? FIRST_LEGACY : FIRST_MODERN, fuzz, oversized);
        try (Socket socket = connect()) {
            Receiver receiver = Receiver.start(socket);
            writeInPieces(socket.getOutputStream(), stream, List.of(stream.length - oversized.length / 2));
            FRAMES_SENT.addAndGet(frames.size() + 1L);
            awaitTrue(receiver::closed, () -> "the server to close the connection; " + receiver);
            List<JsonNode> errno9 = receiver.frames.stream().filter(f -> f.path("errno").asInt() == 9).toList();
            if (legacy) {
                assertEquals(0, errno9.size(), () -> "no ACK in the legacy dialect: " + receiver);
            } else {
                assertEquals(1, errno9.size(), () -> "one errno 9: " + receiver);
                assertEquals(ACK, errno9.get(0).path("msgid").asInt(), errno9.get(0)::toString);
                assertEquals(1 + nonEmptyFrames(fuzz), receiver.replies() - 1,
                        () -> "a reply to every frame before the oversized one: " + receiver);
            }
        }
        assertServerBackToBaseline();
    }

    @AfterProperty
    void noConnectionThreadIsLeftBehind() throws IOException {
        // Virtual threads do not show in Thread.getAllStackTraces(); a thread dump lists them.
        awaitTrue(() -> connectionThreads() == 0, () -> connectionThreads() + " connection threads still alive");
    }

    @Provide
    Arbitrary<List<byte[]>> modernFrames() {
        return FuzzFrames.terminated(FuzzFrames.frame(population), 10).list().ofMinSize(300).ofMaxSize(500);
    }

    @Provide
    Arbitrary<List<byte[]>> legacyFrames() {
        return FuzzFrames.terminated(FuzzFrames.frame(population), 70).list().ofMinSize(250).ofMaxSize(400);
    }

    @Provide
    Arbitrary<List<byte[]>> fewerModernFrames() {
        return FuzzFrames.terminated(FuzzFrames.frame(population), 10).list().ofMinSize(150).ofMaxSize(250);
    }

    @Provide
    Arbitrary<List<byte[]>> fewModernFrames() {
        return FuzzFrames.terminated(FuzzFrames.frame(population), 10).list().ofMaxSize(40);
    }

    /** The start of a frame that never ends (often nothing): bytes without a terminator. */
    @Provide
    Arbitrary<byte[]> unfinished() {
        return Arbitraries.bytes().filter(b -> b != '\n' && b != 0).array(byte[].class).ofMaxSize(100);
    }

    /** Where the stream is cut into separate writes (taken modulo its length). */
    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(20);
    }

    /**
     * A valid LOGIN of one of the prepared users, so that most frames reach the handlers behind
     * the login check; nothing for -1 (the frames then meet a connection that is not logged in).
     */
    private static byte[] login(int user, int terminator) {
        if (user < 0) {
            return new byte[0];
        }
        String login = "{\"msgid\":1,\"id\":" + population.userIds().get(user) + ",\"password\":\""
                + FuzzFrames.PASSWORD + "\"}";
        return FuzzFrames.concat(login.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) terminator});
    }

    /** How many frames the server answers: the rules of its FrameReader and dispatch, restated. */
    static int nonEmptyFrames(byte[] stream) {
        int count = 0;
        int start = 0;
        for (int i = 0; i < stream.length; i++) {
            if (stream[i] == '\n' || stream[i] == 0) {
                int length = i - start;
                if (stream[i] == '\n' && length > 0 && stream[i - 1] == '\r') {
                    length--;
                }
                if (length > 0 && !blank(stream, start, length)) {
                    count++;
                }
                start = i + 1;
            }
        }
        return count;
    }

    /**
     * True for a frame of JSON whitespace only (after an optional byte order mark): the server
     * skips it like an empty line, without a reply.
     */
    private static boolean blank(byte[] stream, int start, int length) {
        int i = start;
        int end = start + length;
        if (length >= 3 && (stream[i] & 0xFF) == 0xEF && (stream[i + 1] & 0xFF) == 0xBB && (stream[i + 2] & 0xFF) == 0xBF) {
            i += 3;
        }
        for (; i < end; i++) {
            if (stream[i] != ' ' && stream[i] != '\t' && stream[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static void writeInPieces(OutputStream out, byte[] stream, List<Integer> cuts) throws IOException {
        TreeSet<Integer> at = new TreeSet<>();
        cuts.forEach(cut -> at.add(Math.floorMod(cut, stream.length + 1)));
        at.add(stream.length);
        int from = 0;
        for (int to : at) {
            out.write(stream, from, to - from);
            out.flush();
            from = to;
        }
    }

    private static void assertWellFormedReply(JsonNode frame) {
        int msgid = frame.path("msgid").asInt();
        if (msgid == LOGIN_ACK || msgid == REGISTER_ACK || msgid == ACK) {
            assertTrue(frame.path("errno").isInt(), () -> "errno missing: " + frame);
            int errno = frame.path("errno").asInt();
            assertTrue(errno >= 0 && errno <= 10, () -> "errno outside the table: " + frame);
            if (errno != 0) {
                assertFalse(frame.path("errmsg").asText().isEmpty(), () -> "errno without errmsg: " + frame);
            }
        }
    }

    private static void assertServerBackToBaseline() {
        awaitTrue(() -> server.server().connections() == baselineConnections
                        && server.server().onlineUsers() == baselineOnline,
                () -> "connections " + server.server().connections() + " (baseline " + baselineConnections
                        + "), online users " + server.server().onlineUsers() + " (baseline " + baselineOnline + ")");
        int threads = Thread.getAllStackTraces().size();
        assertTrue(threads <= baselineThreads + THREAD_SLACK,
                () -> threads + " platform threads, " + baselineThreads + " at the start");
    }

    private static Integer userId(String name) {
        pause(10); // each look costs a JDBC connection: do not spin on it
        return server.database().query("SELECT id FROM User WHERE name = '" + name + "'",
                rows -> rows.next() ? rows.getInt(1) : null);
    }

    private static long connectionThreads() {
        try {
            Path dump = Files.createTempDirectory("fuzz-threads").resolve("dump.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String text = Files.readString(dump);
            Files.delete(dump);
            Files.delete(dump.getParent());
            // The dump must show this very method, or the count below would prove nothing.
            assertTrue(text.contains(RandomFramesFuzzTest.class.getName() + ".connectionThreads("),
                    "a thread dump names methods as class.method(file:line)");
            return text.lines().filter(line -> line.contains("io.loomchat.server.Connection.run(")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        awaitTrue(condition, () -> what);
    }

    private static void awaitTrue(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT + " for " + what.get());
            }
            pause(2);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Reads every frame the server sends on a virtual thread of its own, until the stream ends. */
    private static final class Receiver {
        final Queue<JsonNode> frames = new ConcurrentLinkedQueue<>();
        private final AtomicInteger replies = new AtomicInteger();
        private volatile boolean closed;
        private volatile String failure;

        static Receiver start(Socket socket) throws IOException {
            Receiver receiver = new Receiver();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Thread.ofVirtual().name("fuzz-receiver").start(() -> receiver.run(in));
            return receiver;
        }

        private void run(InputStream in) {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            try {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    if (b != '\n') {
                        frame.write(b);
                        continue;
                    }
                    JsonNode node = Json.parse(frame.toByteArray());
                    frame.reset();
                    frames.add(node);
                    int msgid = node.path("msgid").asInt();
                    if (msgid == LOGIN_ACK || msgid == REGISTER_ACK || msgid == ACK || msgid == PONG) {
                        replies.incrementAndGet();
                        int ack = node.path("ack").asInt();
                        String answered = ack >= 0 && ack <= 15 ? String.valueOf(ack) : "?";
                        REPLIES.computeIfAbsent(msgid + "/" + answered + "/" + node.path("errno").asInt(),
                                key -> new LongAdder()).increment();
                    }
                }
                closed = true;
            } catch (IOException e) {
                // Our own close ends the read with "Socket closed"; anything else is reported.
                if (!"Socket closed".equals(e.getMessage())) {
                    failure = e.toString();
                    closed = true;
                }
            }
        }

        int replies() {
            return replies.get();
        }

        boolean closed() {
            return closed;
        }

        boolean sawPong(String seq) {
            return frames.stream().anyMatch(f -> f.path("msgid").asInt() == PONG && seq.equals(f.path("seq").asText()));
        }

        boolean sawRegistration(int id) {
            return frames.stream().anyMatch(f -> f.path("msgid").asInt() == REGISTER_ACK && f.path("id").asInt() == id);
        }

        @Override
        public String toString() {
            List<String> last = frames.stream().map(JsonNode::toString)
                    .map(s -> s.length() > 300 ? s.substring(0, 300) + "..." : s).toList();
            return replies() + " replies, " + frames.size() + " frames" + (closed ? ", closed" : "")
                    + (failure != null ? ", read failed: " + failure : "")
                    + ", last: " + last.subList(Math.max(0, last.size() - 5), last.size());
        }
    }
}
