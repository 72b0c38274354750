package io.loomchat.loadtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.cli.LoomChat;
import io.loomchat.protocol.Json;
import io.loomchat.testing.Backend;
import io.loomchat.service.ServiceConfig;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real {@code loomchat loadtest} command, run in-process through picocli against a real
 * single-node server on H2: the run passes, nothing is lost or duplicated, and the report
 * directory holds the JSON, the Markdown and valid PNG charts. Runs use delivery receipts unless
 * told --no-receipts.
 */
class LoadTestCommandTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final List<String> CHARTS =
            List.of("throughput.png", "connections.png", "latency-over-time.png", "latency-percentiles.png");

    private static RunningServer server;

    @BeforeAll
    static void startServer() {
        server = RunningServer.start(Backend.H2);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void aChatRunWithAFewHundredUsersLosesNothingAndWritesTheReport(@TempDir Path report) throws IOException {
        int exit = loadtest("chat", "--users", "300", "--duration", "3s", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        assertEquals(0, json.path("lost").asLong());
        assertEquals(0, json.path("duplicated").asLong());
        long delivered = json.path("counts").path("delivered").asLong();
        assertTrue(delivered > 0, "delivered " + delivered);
        assertEquals(delivered, json.path("counts").path("acknowledged").asLong(), "every acknowledged message arrived");
        assertEquals(delivered, json.path("counts").path("received").asLong(), "counted as received after the drain");
        assertEquals(300, json.path("connectedPeak").asLong());
        assertEquals(0, json.path("run").path("serverRateLimit").asInt(), "the limit the run was told is recorded");
        assertTrue(json.path("timeSeries").size() >= 3, "a sample per second");
        assertTrue(Files.readString(report.resolve("report.md")).contains("PASSED"));
        for (String chart : CHARTS) {
            assertIsPng(report.resolve(chart));
        }
    }

    @Test
    void receiptsAreOnByDefaultAndEveryDeliveryIsConfirmed(@TempDir Path report) throws IOException {
        int exit = loadtest("chat", "--pairs", "50", "--duration", "2s", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        JsonNode counts = json.path("counts");
        assertTrue(json.path("run").path("receipts").asBoolean());
        assertEquals(100, counts.path("receiptSessions").asLong(), "every login asked, and the server granted them");
        long delivered = counts.path("delivered").asLong();
        assertTrue(delivered > 0);
        assertEquals(delivered, counts.path("received").asLong());
        assertEquals(0, json.path("lost").asLong());
        assertEquals(0, json.path("duplicated").asLong(), "no duplicate shown");
        assertEquals(0, json.path("duplicatedDropped").asLong(), "nothing dropped, nothing came again");
        // The flusher stops with the run, so the last quarter second may stay unconfirmed.
        long confirmed = counts.path("confirmed").asLong();
        assertTrue(confirmed > delivered / 2 && confirmed <= delivered, confirmed + " confirmed of " + delivered);
        assertTrue(counts.path("receiptFrames").asLong() > 0);
        assertEquals(0, counts.path("errors").asLong(), "the server refused no RECEIPT");
        String summary = Files.readString(report.resolve("report.md"));
        assertTrue(summary.contains("| delivery receipts | on: granted in 100 of 100 logins"), summary);
        assertTrue(summary.contains("| lost / duplicated shown / reordered | 0 / 0 / 0 |"), summary);
        assertTrue(summary.contains("| duplicated, dropped by the client | 0 "), summary);
    }

    @Test
    void everyHeartbeatIsAnsweredOnceThePongsInFlightAreDrained(@TempDir Path report) throws IOException {
        int exit = loadtest("connect", "--users", "200", "--heartbeat", "100ms", "--duration", "3s",
                "--report", report.toString());

        assertEquals(0, exit);
        JsonNode counts = Json.parse(Files.readAllBytes(report.resolve("report.json"))).path("counts");
        long pings = counts.path("pings").asLong();
        assertTrue(pings >= 200 * 10, "about a PING per user every 100 ms: " + pings);
        assertEquals(pings, counts.path("pongs").asLong(), "every PING answered, none left in flight at the close");
        assertEquals(0, counts.path("pingsUnanswered").asLong());
    }

    @Test
    void noReceiptsRunsTheProtocol21Path(@TempDir Path report) throws IOException {
        int exit = loadtest("chat", "--pairs", "50", "--duration", "2s", "--no-receipts", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        JsonNode counts = json.path("counts");
        assertFalse(json.path("run").path("receipts").asBoolean());
        assertEquals(100, counts.path("logins").asLong());
        assertEquals(0, counts.path("receiptSessions").asLong(), "no login asked for receipts");
        assertEquals(0, counts.path("receiptFrames").asLong());
        long delivered = counts.path("delivered").asLong();
        assertTrue(delivered > 0);
        assertEquals(delivered, counts.path("received").asLong());
        assertEquals(0, json.path("lost").asLong());
        assertEquals(0, json.path("duplicated").asLong());
        assertTrue(Files.readString(report.resolve("report.md")).contains("| delivery receipts | off (--no-receipts: protocol 2.1) |"));
    }

    @Test
    void twoWorkerProcessesMergeTheirFigures(@TempDir Path report) throws IOException {
        int exit = loadtest("chat", "--pairs", "40", "--duration", "2s", "--processes", "2", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        JsonNode counts = json.path("counts");
        assertEquals(80, counts.path("registrations").asLong(), "both workers' users");
        assertEquals(80, counts.path("logins").asLong());
        assertEquals(80, json.path("connectedPeak").asLong());
        assertEquals(80, counts.path("receiptSessions").asLong(), "--no-receipts was not given to the workers either");
        assertEquals(0, json.path("lost").asLong());
        assertEquals(0, json.path("duplicated").asLong());
        long delivered = counts.path("delivered").asLong();
        assertTrue(delivered > 0);
        assertEquals(delivered, json.path("latencyMicros").path("delivery").path("count").asLong(),
                "the merged histogram holds every worker's samples");
        assertEquals(counts.path("sent").asLong(), delivered);
    }

    @Test
    void theClassicFramingClosedLoopRunsWithoutAcks(@TempDir Path report) throws IOException {
        int exit = loadtest("chat", "--framing", "classic", "--pairs", "20", "--duration", "2s", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        assertEquals(0, json.path("counts").path("acknowledged").asLong(), "the legacy dialect sends no ACK");
        assertFalse(json.path("run").path("receipts").asBoolean(), "nor has it receipts");
        assertEquals(0, json.path("counts").path("receiptSessions").asLong());
        assertEquals(json.path("counts").path("sent").asLong(), json.path("counts").path("delivered").asLong());
        assertEquals(0, json.path("lost").asLong());
    }

    @Test
    void rateLimitedRepliesAreCountedApartAndNamedInTheSummary(@TempDir Path report) throws IOException {
        ServiceConfig limited = RunningServer.defaultService().withRequestsPerSecond(50);
        try (RunningServer slow = RunningServer.start(TestDatabase.create(Backend.H2), true,
                RunningServer.defaultNetwork(), limited)) {
            int exit = new CommandLine(new LoomChat()).execute("loadtest", "chat", "--pairs", "1", "--duration", "2s",
                    "--host", "127.0.0.1", "--port", String.valueOf(slow.port()), "--server-rate-limit", "50",
                    "--report", report.toString());

            assertEquals(0, exit, "refusals are not losses");
            JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
            assertTrue(json.path("counts").path("rateLimited").asLong() > 0);
            assertEquals(0, json.path("counts").path("errors").asLong(), "errno 8 is not counted as an error");
            assertEquals(50, json.path("run").path("serverRateLimit").asInt());
            assertTrue(Files.readString(report.resolve("report.md")).contains("errno 8 (rate limited)"));
        }
    }

    @Test
    void badOptionsExitWith2() {
        assertEquals(2, loadtest("chat", "--users", "3", "--duration", "1s"), "odd number of chat users");
        assertEquals(2, loadtest("nonsense"));
        assertEquals(2, loadtest("failover", "--duration", "1s"), "failover without a kill");
    }

    private static int loadtest(String... args) {
        List<String> line = new ArrayList<>(List.of("loadtest"));
        line.addAll(Arrays.asList(args));
        line.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(server.port()), "--server-rate-limit", "0",
                // A busy shared box can hold the last deliveries back for seconds; the drain ends as soon as all arrived.
                "--drain", "20s"));
        return new CommandLine(new LoomChat()).execute(line.toArray(String[]::new));
    }

    private static void assertIsPng(Path file) throws IOException {
        assertTrue(Files.size(file) > 1_000, file + " is too small to hold a chart");
        try (InputStream in = Files.newInputStream(file)) {
            assertArrayEquals(PNG_SIGNATURE, in.readNBytes(PNG_SIGNATURE.length), file + " is not a PNG");
        }
    }
}
