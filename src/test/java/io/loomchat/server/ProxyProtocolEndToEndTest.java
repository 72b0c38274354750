package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.service.LoginPolicy;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behind a load balancer that speaks the PROXY protocol, the server knows each client by the
 * address in the header: failed logins are counted for that address, not for the balancer.
 */
class ProxyProtocolEndToEndTest {

    private static final int FAILURES_PER_ADDRESS = 2;

    private RunningServer server;
    private int alice;

    @BeforeEach
    void startServer() {
        server = RunningServer.start(TestDatabase.create(Backend.H2), true,
                RunningServer.defaultNetwork().withProxyProtocol(true),
                RunningServer.defaultService().withLogin(LoginPolicy.defaults().withFailureLimits(100,
                        FAILURES_PER_ADDRESS, Duration.ofSeconds(30), Duration.ofSeconds(30))));
        try (ChatClient client = connectAs(v1("192.0.2.1"))) {
            alice = client.register("alice", "pw");
        }
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void failedLoginsCountForTheAddressInTheHeaderNotForTheBalancer() {
        for (int i = 0; i < FAILURES_PER_ADDRESS; i++) {
            try (ChatClient guesser = connectAs(v1("203.0.113.7"))) {
                assertEquals(1, login(guesser, "guess").path("errno").asInt());
            }
        }
        try (ChatClient guesser = connectAs(v2(new byte[] {(byte) 203, 0, 113, 7}))) {
            JsonNode refused = login(guesser, "pw");
            assertEquals(8, refused.path("errno").asInt(), "203.0.113.7 must wait, whichever header version: " + refused);
        }
        try (ChatClient honest = connectAs(v1("198.51.100.9"))) {
            assertEquals(0, login(honest, "pw").path("errno").asInt(), "another client behind the same balancer is not");
        }
    }

    @Test
    void aConnectionWithoutAValidHeaderIsRefused() {
        for (byte[] start : new byte[][] {
                "{\"msgid\":12}\n".getBytes(StandardCharsets.US_ASCII),
                "PROXY TCP4 example.com 127.0.0.1 1 2\r\n".getBytes(StandardCharsets.US_ASCII),
                ("PROXY " + "x".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII)}) {
            try (ChatClient client = ChatClient.connect("127.0.0.1", server.port())) {
                client.sendRaw(start);
                assertTrue(client.closedByServer(Duration.ofSeconds(5)), new String(start, StandardCharsets.US_ASCII));
            }
        }
        try (ChatClient client = connectAs(v1("192.0.2.1"))) {
            assertEquals(13, client.call("{\"msgid\":12}").path("msgid").asInt(), "and the server goes on serving");
        }
    }

    @Test
    void theBalancersOwnHealthCheckHeaderIsServedAsItsOwnAddress() {
        try (ChatClient check = connectAs("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII))) {
            assertEquals(13, check.call("{\"msgid\":12}").path("msgid").asInt());
        }
    }

    private ChatClient connectAs(byte[] header) {
        ChatClient client = ChatClient.connect("127.0.0.1", server.port());
        client.sendRaw(header);
        return client;
    }

    private JsonNode login(ChatClient client, String password) {
        return client.call("{\"msgid\":1,\"id\":" + alice + ",\"password\":\"" + password + "\"}");
    }

    private static byte[] v1(String source) {
        return ("PROXY TCP4 " + source + " 127.0.0.1 51000 6000\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A version 2 PROXY header for TCP over IPv4 from {@code source}:51000 to 127.0.0.1:6000. */
    private static byte[] v2(byte[] source) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        out.writeBytes(new byte[] {0x21, 0x11, 0x00, 0x0C});
        out.writeBytes(source);
        out.writeBytes(new byte[] {127, 0, 0, 1, (byte) (51000 >> 8), (byte) 51000, (byte) (6000 >> 8), (byte) 6000});
        return out.toByteArray();
    }
}
