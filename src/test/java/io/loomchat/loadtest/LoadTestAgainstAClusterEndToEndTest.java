package io.loomchat.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.cli.LoomChat;
import io.loomchat.protocol.Json;
import io.loomchat.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real `loomchat loadtest` against a real local cluster: two server processes on MariaDB and
 * Redis behind nginx (PROXY protocol on), a few hundred clients for a few seconds, with delivery
 * receipts (the default). The report and its charts exist, and nothing was lost, whether partners
 * share a server or not, nor when one of the servers is killed.
 */
class LoadTestAgainstAClusterEndToEndTest {

    private ProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aChatRunThroughNginxLosesNothingAndWritesTheReportAndCharts(@TempDir Path report) throws Exception {
        cluster = ProcessCluster.start(List.of("lt1", "lt2"), true);
        int exit = new CommandLine(new LoomChat()).execute("loadtest", "chat", "--host", "127.0.0.1",
                "--port", String.valueOf(cluster.nginxPort()), "--users", "300", "--duration", "3s",
                "--server-rate-limit", "0", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        assertEquals(0, json.path("lost").asLong(), json::toString);
        assertEquals(0, json.path("duplicated").asLong());
        assertTrue(json.path("counts").path("delivered").asLong() > 0);
        assertEquals(300, json.path("counts").path("receiptSessions").asLong(), "every session confirms what it gets");
        assertEquals(300, json.path("connectedPeak").asLong());
        assertTrue(Files.exists(report.resolve("report.md")));
        for (String chart : List.of("throughput.png", "connections.png", "latency-percentiles.png")) {
            assertTrue(Files.size(report.resolve(chart)) > 1_000, chart);
        }
    }

    @Test
    void withThreeDevicesPerUserEveryDeviceShowsEveryMessageAndTheSendersOthersItsCarbon(@TempDir Path report)
            throws Exception {
        cluster = ProcessCluster.start(List.of("dv1", "dv2"), true);
        int exit = new CommandLine(new LoomChat()).execute("loadtest", "chat", "--host", "127.0.0.1",
                "--port", String.valueOf(cluster.nginxPort()), "--pairs", "10", "--devices", "3", "--duration", "3s",
                "--server-rate-limit", "0", "--report", report.toString());

        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        JsonNode counts = json.path("counts");
        assertEquals(0, exit, json::toString);
        long acknowledged = counts.path("acknowledged").asLong();
        assertTrue(acknowledged > 0);
        assertEquals(3, json.path("devices").asInt());
        assertEquals(60, counts.path("receiptSessions").asLong(), "20 users x 3 device sessions, each with receipts");
        assertEquals(60, json.path("connectedPeak").asLong());
        // Nobody dropped, so no copy came twice: the frames the devices got are exactly the copies.
        assertEquals(3 * acknowledged, counts.path("deviceFramesFromOthers").asLong(), "one per recipient device");
        assertEquals(2 * acknowledged, counts.path("deviceFramesCarbons").asLong(), "one per other device of the sender");
        assertEquals(5 * acknowledged, counts.path("deviceFrames").asLong());
        assertEquals(5 * acknowledged, counts.path("received").asLong(), "the ledger owes every device its copy");
        assertEquals(2 * acknowledged, counts.path("carbonsReceived").asLong());
        assertEquals(0, json.path("lost").asLong());
        assertEquals(0, json.path("carbonsLost").asLong());
        assertEquals(0, json.path("duplicated").asLong(), "no device showed a message twice");
        assertTrue(json.path("deviceFramesPerSecond").asLong() > 0);
        assertTrue(Files.readString(report.resolve("report.md")).contains("frames delivered to devices"));
    }

    @Test
    void groupsWithTwoDevicesPerMemberStraightToTheServersLoseNoDevicesCopy(@TempDir Path report) throws Exception {
        cluster = ProcessCluster.start(List.of("dg1", "dg2"), false);
        String targets = "127.0.0.1:" + cluster.server(0).port() + ",127.0.0.1:" + cluster.server(1).port();
        int exit = new CommandLine(new LoomChat()).execute("loadtest", "group", "--target", targets,
                "--users", "8", "--group-size", "4", "--devices", "2", "--duration", "3s",
                "--server-rate-limit", "0", "--report", report.toString());

        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        JsonNode counts = json.path("counts");
        assertEquals(0, exit, json::toString);
        long acknowledged = counts.path("acknowledged").asLong();
        assertTrue(acknowledged > 0);
        // Each group message: 3 other members x 2 devices, and 1 carbon to the sender's other device.
        assertEquals(7 * acknowledged, counts.path("received").asLong());
        assertEquals(acknowledged, counts.path("carbonsReceived").asLong());
        assertEquals(6 * acknowledged, counts.path("deviceFramesFromOthers").asLong());
        assertEquals(acknowledged, counts.path("deviceFramesCarbons").asLong());
        assertEquals(0, json.path("lost").asLong());
        assertEquals(0, json.path("duplicated").asLong());
    }

    @Test
    void aFailoverWithTwoDevicesPerUserBringsEveryDeviceBackAndLosesNoCopy(@TempDir Path report) throws Exception {
        cluster = ProcessCluster.start(List.of("df1", "df2"), true);
        int exit = new CommandLine(new LoomChat()).execute("loadtest", "failover", "--host", "127.0.0.1",
                "--port", String.valueOf(cluster.nginxPort()), "--pairs", "10", "--idle-users", "10", "--devices", "2",
                "--kill-pid", String.valueOf(cluster.server(0).pid()), "--kill-after", "2s",
                "--duration", "8s", "--recovery-timeout", "30s", "--server-rate-limit", "0",
                "--report", report.toString());

        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        JsonNode counts = json.path("counts");
        assertEquals(0, json.path("lost").asLong(), json::toString);
        assertEquals(0, json.path("carbonsLost").asLong());
        assertEquals(0, json.path("duplicated").asLong(), "a repeat is dropped by mid on the device that got it");
        assertEquals(0, exit, json::toString);
        assertEquals(3 * counts.path("acknowledged").asLong(), counts.path("received").asLong(),
                "two devices of the partner and the sender's other device, every acknowledged message");
        assertEquals(counts.path("logins").asLong(), counts.path("receiptSessions").asLong());
        assertEquals(60, json.path("connectedPeak").asLong(), "30 users x 2 devices");
        long drops = counts.path("drops").asLong();
        assertTrue(drops >= 10, "devices on the killed server dropped: " + drops);
        assertEquals(drops, json.path("latencyMicros").path("recovery").path("count").asLong(),
                "every dropped device, idle or chatting, is back");
    }

    @Test
    void partnersOnDifferentServersChatThroughRedisWithoutLoss(@TempDir Path report) throws Exception {
        // Straight to the servers, past nginx: the tool puts each partner on the other server.
        cluster = ProcessCluster.start(List.of("x1", "x2"), false);
        String targets = "127.0.0.1:" + cluster.server(0).port() + ",127.0.0.1:" + cluster.server(1).port();
        int exit = new CommandLine(new LoomChat()).execute("loadtest", "chat", "--target", targets, "--cross-server",
                "--pairs", "100", "--duration", "3s", "--server-rate-limit", "0", "--report", report.toString());

        assertEquals(0, exit);
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        assertEquals(0, json.path("lost").asLong(), json::toString);
        assertEquals(0, json.path("duplicated").asLong());
        assertTrue(json.path("counts").path("delivered").asLong() > 0);
    }

    @Test
    void aFailoverThroughNginxLosesNothingAndBringsEveryDroppedClientBackIdleOrChatting(@TempDir Path report)
            throws Exception {
        cluster = ProcessCluster.start(List.of("fo1", "fo2"), true);
        int exit = new CommandLine(new LoomChat()).execute("loadtest", "failover", "--host", "127.0.0.1",
                "--port", String.valueOf(cluster.nginxPort()), "--pairs", "20", "--idle-users", "100",
                "--kill-pid", String.valueOf(cluster.server(0).pid()), "--kill-after", "2s",
                "--duration", "8s", "--recovery-timeout", "30s", "--server-rate-limit", "0",
                "--report", report.toString());

        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        // With receipts, what the killed server held unconfirmed comes again at the next login:
        // each acknowledged message is received, and a repeat is dropped by mid, never shown.
        JsonNode counts = json.path("counts");
        assertEquals(0, json.path("lost").asLong(), json::toString);
        assertEquals(0, json.path("duplicated").asLong(), "no duplicate shown to a user");
        assertTrue(json.has("duplicatedDropped"));
        assertEquals(counts.path("received").asLong(), counts.path("acknowledged").asLong(),
                "one recipient per message: every acknowledged one received");
        assertEquals(0, exit, json::toString);
        assertEquals(counts.path("logins").asLong(), counts.path("receiptSessions").asLong(),
                "the relogins with tokens asked for receipts too");
        assertEquals(140, json.path("connectedPeak").asLong(), "40 chatting and 100 idle clients");
        long drops = json.path("counts").path("drops").asLong();
        assertTrue(drops >= 30, "least_conn put about half the clients on the killed server: " + drops);
        assertEquals(drops, json.path("latencyMicros").path("recovery").path("count").asLong(),
                "every dropped client, idle or chatting, is back");
        assertTrue(json.path("latencyMicros").path("undisturbed").path("count").asLong() > 0,
                "chat between clients on the surviving server is timed apart");
    }
}
