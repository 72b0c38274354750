package io.loomchat.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.Docker;
import io.loomchat.testing.LoomChatContainer;
import io.loomchat.testing.ServerProcess;
import io.loomchat.testing.ServiceContainers;
import io.loomchat.testing.TestCertificates;
import io.loomchat.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import redis.clients.jedis.Jedis;

/**
 * compose.yaml's stack started with Testcontainers from the same images and settings: MariaDB
 * with the loomchat database and user, Redis with its append-only file, two chat servers from
 * the project's image (chat and web ports) behind nginx running nginx/loomchat.conf. Host
 * networking instead of compose's network, so that everything listens on free ports of 127.0.0.1
 * beside the machine's own services. compose.tls.yaml changes nginx only (TLS on both of its
 * sides, the certificate mounted into it), so the same servers also get a second nginx, rendered
 * with TLS as that file runs it: users on different servers chat through each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeStackEndToEndTest {

    private static final String PASSWORD = "pw";
    private static final String DB_PASSWORD = "loomchat-test-password";

    private final List<AutoCloseable> stack = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private TestCertificates tls;
    private int redisPort;
    private int nginxPort;
    private int nginxWebPort;
    private int tlsNginxPort;
    private int tlsNginxWebPort;
    private int names;

    @BeforeAll
    void startTheStack(@TempDir Path certificates) throws Exception {
        if (!Docker.available()) {
            return; // each test is then skipped, saying why (or fails under CI): requireAnEngine
        }
        tls = TestCertificates.forLocalhost(certificates);
        int databasePort = ServerProcess.freePort();
        redisPort = ServerProcess.freePort();
        GenericContainer<?> mariaDb = ServiceContainers.mariaDb(databasePort, Map.of(
                "MARIADB_DATABASE", "loomchat", "MARIADB_USER", "loomchat", "MARIADB_PASSWORD", DB_PASSWORD,
                "MARIADB_RANDOM_ROOT_PASSWORD", "1"));
        stack.add(mariaDb::stop);
        GenericContainer<?> redis = ServiceContainers.redis(redisPort);
        stack.add(redis::stop);

        Map<String, String> serverEnvironment = Map.of(
                "LOOMCHAT_DB_URL", "jdbc:mysql://127.0.0.1:" + databasePort + "/loomchat",
                "LOOMCHAT_DB_USER", "loomchat",
                "LOOMCHAT_DB_PASSWORD", DB_PASSWORD,
                "LOOMCHAT_REDIS", "redis://127.0.0.1:" + redisPort,
                "LOOMCHAT_PROXY_PROTOCOL", "true");
        List<Integer> serverPorts = new ArrayList<>();
        List<Integer> webPorts = new ArrayList<>();
        for (String node : List.of("node1", "node2")) {
            int webPort = ServerProcess.freePort();
            Map<String, String> environment = new HashMap<>(serverEnvironment);
            environment.put("LOOMCHAT_NODE_ID", node);
            environment.put("LOOMCHAT_WEB_PORT", String.valueOf(webPort));
            LoomChatContainer server = LoomChatContainer.startRestarting(node, environment);
            stack.add(server);
            serverPorts.add(server.port());
            webPorts.add(webPort);
        }
        nginxPort = ServerProcess.freePort();
        nginxWebPort = ServerProcess.freePort();
        GenericContainer<?> nginx = ServiceContainers.nginx(nginxPort, serverPorts, nginxWebPort, webPorts, null);
        stack.add(nginx::stop);
        tlsNginxPort = ServerProcess.freePort();
        tlsNginxWebPort = ServerProcess.freePort();
        GenericContainer<?> tlsNginx = ServiceContainers.nginx(tlsNginxPort, serverPorts, tlsNginxWebPort, webPorts, tls);
        stack.add(tlsNginx::stop);
    }

    /**
     * Per test rather than in {@link #startTheStack}: surefire reports a class whose
     * {@code @BeforeAll} was aborted as "Tests run: 0", without the reason (SUREFIRE-2300).
     */
    @BeforeEach
    void requireAnEngine() {
        Docker.require();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable client : clients.reversed()) {
            client.close();
        }
        clients.clear();
    }

    @AfterAll
    void stopTheStack() throws Exception {
        for (AutoCloseable resource : stack.reversed()) {
            resource.close();
        }
    }

    @Test
    void usersOnTheTwoServerContainersChatThroughTheNginxContainer() {
        Supplier<ChatClient> overTcp = () -> ChatClient.connect("127.0.0.1", nginxPort);
        chatAcrossTheServers(overTcp, overTcp);

        try (Jedis jedis = TestRedis.connect("redis://127.0.0.1:" + redisPort)) {
            assertEquals("yes", jedis.configGet("appendonly").get("appendonly"),
                    "Redis runs without its append-only file: unconfirmed messages would not survive a restart");
        }
    }

    @Test
    void aWebSocketUserOnNginxsHttpSideChatsWithATcpUserOnTheOtherServer() {
        chatAcrossTheServers(() -> ChatClient.connectWebSocket("127.0.0.1", nginxWebPort),
                () -> ChatClient.connect("127.0.0.1", nginxPort));
    }

    /** compose.yaml with compose.tls.yaml: wss and TLS through nginx, the certificate checked. */
    @Test
    void withTheTlsOverlayAWssUserChatsWithATlsUserOnTheOtherServer() {
        SSLContext trusting = tls.clientContext();
        chatAcrossTheServers(() -> ChatClient.connectSecureWebSocket("localhost", tlsNginxWebPort, trusting),
                () -> ChatClient.connectTls("localhost", tlsNginxPort, trusting));
    }

    @Test
    void withTheTlsOverlayPlaintextGetsNoChatHttpIsRedirectedAndAnUnknownCaIsRefused() throws Exception {
        // A register frame in plaintext on the TLS chat port: nginx takes it for a broken
        // handshake and closes, and no chat reply ever comes back.
        try (Socket plaintext = new Socket("127.0.0.1", tlsNginxPort)) {
            plaintext.setSoTimeout(10_000);
            plaintext.getOutputStream().write(("{\"msgid\":3,\"name\":\"plain\",\"password\":\"" + PASSWORD + "\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                plaintext.getInputStream().transferTo(answer);
            } catch (SocketException reset) {
                // nginx may reset rather than close: either way the connection ends unanswered
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("errno"), "a chat reply over plaintext: " + text);
        }
        // A browser given http:// for the TLS web side is sent to the same address over https.
        HttpResponse<String> typedHttp = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + tlsNginxWebPort + "/?room=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(301, typedHttp.statusCode(), typedHttp::body);
        assertEquals("https://localhost:" + tlsNginxWebPort + "/?room=1", typedHttp.headers().firstValue("Location").orElse(""));
        // The JDK's own CAs do not include the private one: the handshake fails, nothing is sent.
        SSLContext systemTrust = SSLContext.getDefault();
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                () -> ChatClient.connectTls("localhost", tlsNginxPort, systemTrust).close());
        assertInstanceOf(SSLHandshakeException.class, refused.getCause(), refused::toString);
    }

    /**
     * alice connects with {@code aliceSide}, then bob with {@code bobSide} until nginx (least
     * connections) puts him on the other server; they send each other a message.
     */
    private void chatAcrossTheServers(Supplier<ChatClient> aliceSide, Supplier<ChatClient> bobSide) {
        int alice = register(aliceSide);
        ChatClient aliceClient = login(aliceSide, alice);
        int bob;
        ChatClient bobClient;
        int attempts = 0;
        do {
            bob = register(bobSide);
            bobClient = login(bobSide, bob);
        } while (nodeOf(bob).equals(nodeOf(alice)) && ++attempts < 10);
        assertNotEquals(nodeOf(alice), nodeOf(bob), "nginx put every user on " + nodeOf(alice));

        JsonNode ack = aliceClient.call("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"hi bob\"}");
        assertEquals("online", ack.path("stored").asText(), ack::toString);
        assertEquals("hi bob", bobClient.next(6).path("msg").asText());
        JsonNode reply = bobClient.call("{\"msgid\":6,\"toid\":" + alice + ",\"msg\":\"hi alice\"}");
        assertEquals("online", reply.path("stored").asText(), reply::toString);
        assertEquals("hi alice", aliceClient.next(6).path("msg").asText());
    }

    private int register(Supplier<ChatClient> side) {
        try (ChatClient client = side.get()) {
            return client.register("user-" + (++names), PASSWORD);
        }
    }

    private ChatClient login(Supplier<ChatClient> side, int user) {
        ChatClient client = side.get();
        clients.add(client);
        client.login(user, PASSWORD);
        return client;
    }

    /** The server a user is logged in on, from the cluster's directory in Redis. */
    private String nodeOf(int user) {
        try (Jedis jedis = TestRedis.connect("redis://127.0.0.1:" + redisPort)) {
            return String.valueOf(jedis.get("loomchat:user:" + user));
        }
    }
}
