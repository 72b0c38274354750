package io.loomchat.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's port, apart from the chat port: {@code /metrics} in the Prometheus text format,
 * {@code /health} (the process answers) and {@code /ready} (it can serve: database and, in a
 * cluster, Redis reachable; 503 with the reasons otherwise). The JDK's own HTTP server is
 * enough for three read-only paths; each exchange runs on a virtual thread.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;
    private final ExecutorService executor;

    private OpsServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Listens on {@code host:port} (0 = any free port).
     *
     * @param unreadiness why the server cannot serve now; empty when it can
     */
    public static OpsServer start(String host, int port, PrometheusMeterRegistry registry,
                                  Supplier<List<String>> unreadiness) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("loomchat-ops-", 0).factory());
        http.setExecutor(executor);
        http.createContext("/metrics", exchange -> {
            if (allowGet(exchange)) {
                respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
            }
        });
        http.createContext("/health", exchange -> {
            if (allowGet(exchange)) {
                respond(exchange, 200, "text/plain; charset=utf-8", "ok\n");
            }
        });
        http.createContext("/ready", exchange -> {
            if (allowGet(exchange)) {
                List<String> reasons = unreadiness.get();
                respond(exchange, reasons.isEmpty() ? 200 : 503, "text/plain; charset=utf-8",
                        reasons.isEmpty() ? "ready\n" : String.join("\n", reasons) + "\n");
            }
        });
        http.start();
        LOG.info("metrics and health on http://{}:{}/metrics, /health, /ready", host, http.getAddress().getPort());
        return new OpsServer(http, executor);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private static boolean allowGet(HttpExchange exchange) throws IOException {
        if ("GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod())) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        executor.close();
    }
}
