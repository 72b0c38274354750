package io.loomchat.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.cli.LoomChat;
import io.loomchat.protocol.Json;
import io.loomchat.testing.ProcessCluster;
import io.loomchat.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `loomchat loadtest --tls` through nginx terminating TLS in front of two real servers, with the
 * CA made by scripts/make-certs: over the chat port and over wss:// on nginx's http side.
 * Nothing lost; and with a CA the server's certificate does not chain to, the run is refused.
 */
class LoadTestOverTlsEndToEndTest {

    private ProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void chatThroughNginxOverTlsAndWssLosesNothingAndAnUnknownCaIsRefused(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.forLocalhost(dir.resolve("certs"));
        cluster = ProcessCluster.startBehindNginxWithWeb(List.of("lt-tls1", "lt-tls2"), certificates);
        String ca = certificates.ca().toString();

        JsonNode tcp = run(dir.resolve("tcp"), 0, "--port", String.valueOf(cluster.nginxPort()), "--tls", "--ca-file", ca);
        assertEquals(100, tcp.path("connectedPeak").asLong());
        JsonNode wss = run(dir.resolve("wss"), 0, "--port", String.valueOf(cluster.nginxWebPort()), "--transport", "ws",
                "--tls", "--ca-file", ca);
        assertEquals(100, wss.path("connectedPeak").asLong());

        TestCertificates stranger = TestCertificates.forLocalhost(dir.resolve("stranger"));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            CommandLine command = new CommandLine(new LoomChat());
            command.setErr(new PrintWriter(System.err, true));
            exit = command.execute("loadtest", "chat", "--host", "127.0.0.1", "--port", String.valueOf(cluster.nginxPort()),
                    "--pairs", "5", "--duration", "1s", "--tls", "--ca-file", stranger.ca().toString(),
                    "--report", dir.resolve("refused").toString());
        } finally {
            System.setErr(stderr);
        }
        assertNotEquals(0, exit);
        String said = errors.toString(StandardCharsets.UTF_8) + readIfThere(dir.resolve("refused/report.json"));
        assertTrue(said.contains("loomchat loadtest: refused to connect to 127.0.0.1:" + cluster.nginxPort()
                + ": the server's certificate is not signed by a trusted CA (use --ca-file)"), said);
    }

    private static JsonNode run(Path report, int expectedExit, String... target) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("loadtest", "chat", "--host", "127.0.0.1", "--pairs", "50",
                "--duration", "3s", "--server-rate-limit", "0", "--report", report.toString()));
        args.addAll(List.of(target));
        int exit = new CommandLine(new LoomChat()).execute(args.toArray(String[]::new));
        JsonNode json = Json.parse(Files.readAllBytes(report.resolve("report.json")));
        assertEquals(expectedExit, exit, json::toString);
        assertEquals(0, json.path("lost").asLong(), json::toString);
        assertEquals(0, json.path("duplicated").asLong());
        assertTrue(json.path("counts").path("delivered").asLong() > 0, json::toString);
        return json;
    }

    private static String readIfThere(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
