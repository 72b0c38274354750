package io.loomchat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Json;
import io.loomchat.store.StoreConfig;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a log collector reads from `loomchat server --log-format json`. */
class LoggingEndToEndTest {

    @Test
    void jsonLogsAreOneObjectPerLineAndEveryLoginNamesTheUserAndTheClientAddress(@TempDir Path data) throws Exception {
        try (ServerProcess server = ServerProcess.start("json-logs", ServerProcess.freePort(), List.of(
                "--db-url", StoreConfig.embeddedUrl(data.resolve("loomchat")), "--log-format", "json",
                // With the web port, Helidon's own lines must come as JSON too.
                "--web-port", String.valueOf(ServerProcess.freePort()),
                "--password-iterations", String.valueOf(RunningServer.TEST_PASSWORD_ITERATIONS)));
             ChatClient client = ChatClient.connect("127.0.0.1", server.port())) {
            int alice = client.register("alice", "pw");
            client.call("{\"msgid\":1,\"id\":" + alice + ",\"password\":\"wrong\"}");
            client.login(alice, "pw");

            JsonNode failed = awaitLine(server, "login of user " + alice + " from 127.0.0.1 refused");
            assertEquals("INFO", failed.path("level").asText());
            JsonNode ok = awaitLine(server, "login of user " + alice + " from 127.0.0.1 (password)");
            assertEquals("io.loomchat.service.Login", ok.path("loggerName").asText());
            // One object per line, but for the one plain line scripts wait for.
            for (String line : server.output()) {
                if (!line.startsWith("loomchat server listening on ")) {
                    assertTrue(line.startsWith("{") && Json.MAPPER.readTree(line).has("timestamp"), line);
                }
            }
        }
    }

    private static JsonNode awaitLine(ServerProcess server, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = server.output().stream().filter(l -> l.startsWith("{") && l.contains(text)).findFirst();
            if (line.isPresent()) {
                return Json.MAPPER.readTree(line.get());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no JSON log line containing '" + text + "' in " + server.output());
    }
}
