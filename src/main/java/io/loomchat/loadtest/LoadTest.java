package io.loomchat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives one load test against a server or an nginx in front of a cluster, in three phases:
 * register the users, log each in on its own connection, then let pairs of users chat with a
 * bounded number of unacknowledged messages each, and report rates and latencies.
 */
public final class LoadTest {

    /**
     * @param server        where to connect
     * @param sources       local addresses to spread connections over (empty: let the OS choose)
     * @param users         simulated users, each with its own connection (an even number)
     * @param concurrency   registrations and logins in flight at once
     * @param window        unacknowledged chat messages per sender
     * @param hold          how long the logged-in users stay idle before chatting (to measure
     *                      what an idle connection costs the server); zero skips it
     * @param duration      how long the chat phase runs; zero skips it
     * @param payloadChars  length of each chat text
     * @param namePrefix    registered names are {@code <prefix>-<n>}
     * @param password      every simulated user's password
     */
    public record Settings(InetSocketAddress server, List<InetAddress> sources, int users, int concurrency,
                           int window, Duration hold, Duration duration, int payloadChars, String namePrefix,
                           String password) {
        public Settings {
            if (users < 2 || users % 2 != 0) {
                throw new IllegalArgumentException("--users must be an even number of at least 2, not " + users);
            }
            if (concurrency < 1 || window < 1 || payloadChars < 24) {
                throw new IllegalArgumentException("--concurrency and --window must be positive, --payload at least 24");
            }
        }
    }

    /** What a run measured. */
    public record Result(double registrationsPerSecond, double loginsPerSecond, LatencyHistogram loginLatency,
                         long messagesAcknowledged, long messagesDelivered, double messagesPerSecond,
                         LatencyHistogram ackLatency, LatencyHistogram deliveryLatency, long errors) {
    }

    private final Settings settings;
    private final PrintStream log;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();

    public LoadTest(Settings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public Result run() throws Exception {
        List<Integer> ids = new ArrayList<>();
        long start = System.nanoTime();
        register(ids);
        double registrationsPerSecond = rate(ids.size(), System.nanoTime() - start);
        log.printf("registered %d users: %.0f/s%n", ids.size(), registrationsPerSecond);

        List<LoadConnection> connections = new ArrayList<>();
        LatencyHistogram loginLatency = new LatencyHistogram();
        try {
            start = System.nanoTime();
            login(ids, connections, loginLatency);
            double loginsPerSecond = rate(connections.size(), System.nanoTime() - start);
            log.printf("logged in %d users: %.0f/s (%s)%n", connections.size(), loginsPerSecond, loginLatency.summary());

            if (!settings.hold().isZero()) {
                log.printf("holding %d idle logged-in connections for %s%n", connections.size(), settings.hold());
                Thread.sleep(settings.hold().toMillis());
            }
            ChatPhase chat = new ChatPhase(ids, connections);
            if (!settings.duration().isZero()) {
                chat.run();
            }
            report();
            return new Result(registrationsPerSecond, loginsPerSecond, loginLatency, chat.acknowledged.get(),
                    chat.delivered.get(), chat.messagesPerSecond, chat.ackLatency, chat.deliveryLatency, errors.get());
        } finally {
            connections.forEach(LoadConnection::close);
        }
    }

    private void register(List<Integer> ids) throws Exception {
        int workers = Math.min(settings.concurrency(), settings.users());
        List<Future<List<Integer>>> parts = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                int worker = w;
                parts.add(pool.submit(() -> {
                    List<Integer> mine = new ArrayList<>();
                    try (LoadConnection connection = open(worker)) {
                        Replies replies = new Replies(connection);
                        for (int n = worker; n < settings.users(); n += workers) {
                            JsonNode ack = replies.call("{\"msgid\":4,\"name\":\"" + settings.namePrefix() + "-" + n
                                    + "\",\"password\":\"" + settings.password() + "\"}");
                            if (ack.path("errno").asInt() != 0) {
                                throw new IllegalStateException("registration failed: " + ack);
                            }
                            mine.add(ack.path("id").asInt());
                        }
                    }
                    return mine;
                }));
            }
        }
        for (Future<List<Integer>> part : parts) {
            ids.addAll(part.get());
        }
    }

    private void login(List<Integer> ids, List<LoadConnection> connections, LatencyHistogram latency) throws Exception {
        Semaphore inFlight = new Semaphore(settings.concurrency());
        List<Future<LoadConnection>> logins = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < ids.size(); i++) {
                int index = i;
                int id = ids.get(i);
                logins.add(pool.submit(() -> {
                    inFlight.acquire();
                    try {
                        LoadConnection connection = open(index);
                        long sent = System.nanoTime();
                        JsonNode ack = new Replies(connection).call("{\"msgid\":1,\"id\":" + id + ",\"password\":\""
                                + settings.password() + "\"}");
                        latency.recordNanos(System.nanoTime() - sent);
                        if (ack.path("errno").asInt() != 0) {
                            connection.close();
                            throw new IllegalStateException("login of " + id + " failed: " + ack);
                        }
                        return connection;
                    } finally {
                        inFlight.release();
                    }
                }));
            }
        }
        for (Future<LoadConnection> login : logins) {
            connections.add(login.get());
        }
    }

    private LoadConnection open(int index) throws IOException {
        List<InetAddress> sources = settings.sources();
        InetAddress source = sources.isEmpty() ? null : sources.get(index % sources.size());
        return LoadConnection.open(settings.server(), source);
    }

    private void error(String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    private void report() {
        if (errors.get() > 0) {
            log.printf("%d errors, the first: %s%n", errors.get(), firstError.get());
        }
    }

    private static double rate(long count, long nanos) {
        return count * 1e9 / Math.max(1, nanos);
    }

    /** Request/response over one connection, for the phases that wait for each reply. */
    private static final class Replies {
        private final LoadConnection connection;
        private final BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();

        Replies(LoadConnection connection) {
            this.connection = connection;
            connection.onFrame(queue::add);
        }

        JsonNode call(String json) throws IOException, InterruptedException {
            connection.send(json);
            JsonNode reply = queue.poll(60, TimeUnit.SECONDS);
            if (reply == null) {
                throw new IOException("no reply within 60 s to " + json);
            }
            return reply;
        }
    }

    /**
     * Users 2k and 2k+1 chat with each other. Each sender keeps {@code window} messages
     * unacknowledged; each text starts with the sender's nanoTime, so the recipient (this same
     * process) can tell how long delivery took.
     */
    private final class ChatPhase {
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final LatencyHistogram ackLatency = new LatencyHistogram();
        final LatencyHistogram deliveryLatency = new LatencyHistogram();
        double messagesPerSecond;
        private final List<Integer> ids;
        private final List<LoadConnection> connections;
        private volatile boolean sending = true;

        ChatPhase(List<Integer> ids, List<LoadConnection> connections) {
            this.ids = ids;
            this.connections = connections;
        }

        void run() throws InterruptedException {
            String padding = "x".repeat(settings.payloadChars() - 20);
            List<Semaphore> windows = new ArrayList<>();
            List<ConcurrentLinkedQueue<Long>> sentTimes = new ArrayList<>();
            for (int i = 0; i < connections.size(); i++) {
                Semaphore window = new Semaphore(settings.window());
                var pending = new ConcurrentLinkedQueue<Long>();
                windows.add(window);
                sentTimes.add(pending);
                connections.get(i).onFrame(frame -> onFrame(frame, window, pending));
            }
            CountDownLatch done = new CountDownLatch(connections.size());
            long start = System.nanoTime();
            for (int i = 0; i < connections.size(); i++) {
                int peer = ids.get(i ^ 1);
                LoadConnection connection = connections.get(i);
                Semaphore window = windows.get(i);
                var pending = sentTimes.get(i);
                Thread.ofVirtual().name("load-sender").start(() -> {
                    try {
                        while (sending) {
                            if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                continue;
                            }
                            long now = System.nanoTime();
                            pending.add(now);
                            connection.send("{\"msgid\":6,\"toid\":" + peer + ",\"msg\":\"" + now + ":" + padding + "\"}");
                        }
                    } catch (IOException | InterruptedException e) {
                        error("send failed: " + e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            Thread.sleep(settings.duration().toMillis());
            sending = false;
            long acknowledgedAtStop = acknowledged.get();
            long elapsed = System.nanoTime() - start;
            done.await(10, TimeUnit.SECONDS);
            // Let the last messages land before counting deliveries.
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (delivered.get() < acknowledged.get() && System.nanoTime() < waitUntil) {
                Thread.sleep(50);
            }
            messagesPerSecond = rate(acknowledgedAtStop, elapsed);
            log.printf("chat: %d users, window %d, %s: %d messages acknowledged, %d delivered, %.0f messages/s%n",
                    connections.size(), settings.window(), settings.duration(), acknowledged.get(), delivered.get(),
                    messagesPerSecond);
            log.printf("  ack latency      %s%n", ackLatency.summary());
            log.printf("  delivery latency %s%n", deliveryLatency.summary());
        }

        private void onFrame(JsonNode frame, Semaphore window, Queue<Long> pending) {
            int msgid = frame.path("msgid").asInt();
            if (msgid == 11 && frame.path("ack").asInt() == 6) {
                Long sent = pending.poll();
                if (frame.path("errno").asInt() != 0) {
                    error("chat refused: " + frame);
                } else {
                    acknowledged.incrementAndGet();
                    if (sent != null) {
                        ackLatency.recordNanos(System.nanoTime() - sent);
                    }
                }
                window.release();
            } else if (msgid == 6) {
                String text = frame.path("msg").asText();
                int colon = text.indexOf(':');
                if (colon > 0) {
                    deliveryLatency.recordNanos(System.nanoTime() - Long.parseLong(text.substring(0, colon)));
                }
                delivered.incrementAndGet();
            } else if (msgid == -1) {
                error(frame.path("errmsg").asText());
            }
        }
    }
}
