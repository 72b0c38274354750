package io.loomchat.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.cli.LoomChat;
import io.loomchat.protocol.Json;
import io.loomchat.testing.Backend;
import io.loomchat.testing.Nginx;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.ServerProcess;
import io.loomchat.testing.TestDatabase;
import io.loomchat.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real `loomchat loadtest` against a real local cluster: two server processes on MariaDB and
 * Redis behind nginx (PROXY protocol on), a few hundred clients for a few seconds. The report and
 * its charts exist, and nothing was lost, whether partners share a server or not.
 */
class LoadTestAgainstAClusterEndToEndTest {

    private TestDatabase database;
    private String prefix;
    private final List<ServerProcess> servers = new ArrayList<>();
    private Nginx nginx;

    /**
     * Two servers on one database and the shared Redis. Behind nginx they take the PROXY header
     * its shipped configuration sends; reached directly, they must not expect one.
     */
    private void startServers(boolean proxyProtocol) {
        TestRedis.requireReachable();
        database = TestDatabase.create(Backend.MYSQL);
        prefix = TestRedis.uniquePrefix();
        for (String node : List.of("lt1", "lt2")) {
            var config = database.config();
            List<String> args = new ArrayList<>(List.of(
                    "--db-url", config.url(), "--db-user", config.user(), "--db-password", config.password(),
                    "--redis", TestRedis.url(), "--node-id", node, "--channel-prefix", prefix,
                    "--password-iterations", String.valueOf(RunningServer.TEST_PASSWORD_ITERATIONS),
                    "--max-requests-per-second", "0"));
            if (proxyProtocol) {
                args.add("--proxy-protocol");
            }
            servers.add(ServerProcess.start(node, ServerProcess.freePort(), args));
        }
    }

    @AfterEach
    void stopCluster() {
        if (nginx != null) {
            nginx.close();
        }
        servers.forEach(ServerProcess::close);
        if (database != null) {
            database.close();
        }
        if (prefix != null) {
            TestRedis.deleteKeys(prefix);
        }
    }

    @Test
    void aChatRunThroughNginxLosesNothingAndWritesTheReportAndCharts(@TempDir Path report) throws Exception {
        startServers(true);
        nginx = Nginx.start(servers.stream().map(ServerProcess::port).toList());
        int exit = new CommandLine(new LoomChat()).execute("loadtest", "chat", "--host", "127.0.0.1",
                "--port", String.valueOf(nginx.port()), "--users", "300", "--duration", "3s",
                "--server-rate-limit", "0", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        assertEquals(0, json.path("lost").asLong(), json::toString);
        assertEquals(0, json.path("duplicated").asLong());
        assertTrue(json.path("counts").path("delivered").asLong() > 0);
        assertEquals(300, json.path("connectedPeak").asLong());
        assertTrue(Files.exists(report.resolve("report.md")));
        for (String chart : List.of("throughput.png", "connections.png", "latency-percentiles.png")) {
            assertTrue(Files.size(report.resolve(chart)) > 1_000, chart);
        }
    }

    @Test
    void partnersOnDifferentServersChatThroughRedisWithoutLoss(@TempDir Path report) throws Exception {
        startServers(false);
        String targets = "127.0.0.1:" + servers.get(0).port() + ",127.0.0.1:" + servers.get(1).port();
        int exit = new CommandLine(new LoomChat()).execute("loadtest", "chat", "--target", targets, "--cross-server",
                "--pairs", "100", "--duration", "3s", "--server-rate-limit", "0", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        assertEquals(0, json.path("lost").asLong(), json::toString);
        assertEquals(0, json.path("duplicated").asLong());
        assertTrue(json.path("counts").path("delivered").asLong() > 0);
    }
}
