package io.loomchat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.store.StoreConfig;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.PrivateRedis;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.ServerProcess;
import io.loomchat.testing.TestDatabase;
import io.loomchat.testing.TestRedis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator scrapes and probes on `--metrics-port`, from a real server process. */
class OpsEndpointsEndToEndTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void metricsCountWhatHappenedAndHealthAndReadinessAnswer(@TempDir Path data) throws Exception {
        int metricsPort = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start("ops", ServerProcess.freePort(), List.of(
                "--db-url", StoreConfig.embeddedUrl(data.resolve("loomchat")), "--metrics-port", String.valueOf(metricsPort),
                "--password-iterations", String.valueOf(RunningServer.TEST_PASSWORD_ITERATIONS)));
             ChatClient client = ChatClient.connect("127.0.0.1", server.port())) {
            int alice = client.register("alice", "pw");
            assertEquals(1, client.call("{\"msgid\":1,\"id\":" + alice + ",\"password\":\"wrong\"}").path("errno").asInt());
            client.login(alice, "pw");
            client.call("{\"msgid\":6,\"toid\":" + alice + ",\"msg\":\"note to self\"}");
            client.next(6);
            client.call("{\"msgid\":99}");

            String metrics = get(metricsPort, "/metrics").body();
            assertEquals(1.0, value(metrics, "loomchat_logins_total", "result=\"ok\""), metrics);
            assertEquals(1.0, value(metrics, "loomchat_logins_total", "result=\"failed\""));
            assertEquals(1.0, value(metrics, "loomchat_requests_total", "type=\"one_chat\""));
            assertEquals(1.0, value(metrics, "loomchat_messages_delivered_total", "type=\"one_chat\""));
            assertEquals(1.0, value(metrics, "loomchat_errors_total", "errno=\"4\""));
            assertEquals(1.0, value(metrics, "loomchat_users_online", ""));
            assertEquals(1.0, value(metrics, "loomchat_connections", ""));
            assertEquals(1.0, value(metrics, "loomchat_database_up", ""));
            assertTrue(metrics.contains("loomchat_delivery_latency_seconds_bucket"), "a latency histogram");
            assertTrue(metrics.contains("hikaricp_connections_active"), "the pool");
            assertTrue(metrics.contains("jvm_memory_used_bytes"), "the JVM");

            assertEquals(200, get(metricsPort, "/health").statusCode());
            assertEquals(200, get(metricsPort, "/ready").statusCode());
        }
    }

    @Test
    void aServerThatLostRedisIsAliveButNotReady() throws Exception {
        TestRedis.requireReachable();
        int metricsPort = ServerProcess.freePort();
        try (TestDatabase database = TestDatabase.create(Backend.MYSQL);
             PrivateRedis redis = PrivateRedis.create()) {
            var config = database.config();
            try (ServerProcess server = ServerProcess.start("ops", ServerProcess.freePort(), List.of(
                    "--db-url", config.url(), "--db-user", config.user(), "--db-password", config.password(),
                    "--redis", redis.url(), "--node-id", "ops1", "--metrics-port", String.valueOf(metricsPort)))) {
                assertEquals(200, get(metricsPort, "/ready").statusCode());
                redis.kill();
                HttpResponse<String> ready = awaitStatus(metricsPort, "/ready", 503);
                assertTrue(ready.body().contains("Redis"), ready.body());
                assertEquals(200, get(metricsPort, "/health").statusCode(), "alive all the same");
                assertEquals(0.0, value(get(metricsPort, "/metrics").body(), "loomchat_redis_up", ""));
                redis.start();
                awaitStatus(metricsPort, "/ready", 200);
            }
        }
    }

    private HttpResponse<String> awaitStatus(int port, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> response;
        do {
            response = get(port, path);
            if (response.statusCode() == status) {
                return response;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(path + " answered " + response.statusCode() + " instead of " + status + ": " + response.body());
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a sample whose name is {@code name} and whose labels contain {@code label}. */
    private static double value(String exposition, String name, String label) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(exposition);
        while (matcher.find()) {
            if (matcher.group(1).contains(label)) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        throw new AssertionError("no sample " + name + "{" + label + "} in\n" + exposition);
    }
}
