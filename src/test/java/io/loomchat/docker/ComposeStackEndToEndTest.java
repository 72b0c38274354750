package io.loomchat.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.LoomChatContainer;
import io.loomchat.testing.ServerProcess;
import io.loomchat.testing.ServiceContainers;
import io.loomchat.testing.TestRedis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import redis.clients.jedis.Jedis;

/**
 * compose.yaml's stack started with Testcontainers from the same images and settings: MariaDB
 * with the loomchat database and user, Redis with its append-only file, two chat servers from
 * the project's image behind nginx running nginx/loomchat.conf. Host networking instead of
 * compose's network, so that everything listens on free ports of 127.0.0.1 beside the
 * machine's own services; users on different servers chat through nginx.
 */
class ComposeStackEndToEndTest {

    private static final String PASSWORD = "pw";
    private static final String DB_PASSWORD = "loomchat-test-password";

    private final List<AutoCloseable> started = new ArrayList<>();
    private int redisPort;
    private int names;

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable resource : started.reversed()) {
            resource.close();
        }
    }

    @Test
    void usersOnTheTwoServerContainersChatThroughTheNginxContainer() {
        int databasePort = ServerProcess.freePort();
        redisPort = ServerProcess.freePort();
        GenericContainer<?> mariaDb = ServiceContainers.mariaDb(databasePort, Map.of(
                "MARIADB_DATABASE", "loomchat", "MARIADB_USER", "loomchat", "MARIADB_PASSWORD", DB_PASSWORD,
                "MARIADB_RANDOM_ROOT_PASSWORD", "1"));
        started.add(mariaDb::stop);
        GenericContainer<?> redis = ServiceContainers.redis(redisPort);
        started.add(redis::stop);

        Map<String, String> serverEnvironment = Map.of(
                "LOOMCHAT_DB_URL", "jdbc:mysql://127.0.0.1:" + databasePort + "/loomchat",
                "LOOMCHAT_DB_USER", "loomchat",
                "LOOMCHAT_DB_PASSWORD", DB_PASSWORD,
                "LOOMCHAT_REDIS", "redis://127.0.0.1:" + redisPort,
                "LOOMCHAT_PROXY_PROTOCOL", "true");
        List<Integer> serverPorts = new ArrayList<>();
        for (String node : List.of("node1", "node2")) {
            Map<String, String> environment = new HashMap<>(serverEnvironment);
            environment.put("LOOMCHAT_NODE_ID", node);
            LoomChatContainer server = LoomChatContainer.startRestarting(node, environment);
            started.add(server);
            serverPorts.add(server.port());
        }
        int nginxPort = ServerProcess.freePort();
        GenericContainer<?> nginx = ServiceContainers.nginx(nginxPort, serverPorts);
        started.add(nginx::stop);

        int alice = register(nginxPort);
        ChatClient aliceClient = login(nginxPort, alice);
        // least_conn sends the next connection to the other server while alice's is open; log
        // users in until one lands there, whatever nginx decides.
        int bob;
        ChatClient bobClient;
        int attempts = 0;
        do {
            bob = register(nginxPort);
            bobClient = login(nginxPort, bob);
        } while (nodeOf(bob).equals(nodeOf(alice)) && ++attempts < 10);
        assertNotEquals(nodeOf(alice), nodeOf(bob), "nginx put every user on " + nodeOf(alice));

        JsonNode ack = aliceClient.call("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"hi bob\"}");
        assertEquals("online", ack.path("stored").asText(), ack::toString);
        assertEquals("hi bob", bobClient.next(6).path("msg").asText());
        JsonNode reply = bobClient.call("{\"msgid\":6,\"toid\":" + alice + ",\"msg\":\"hi alice\"}");
        assertEquals("online", reply.path("stored").asText(), reply::toString);
        assertEquals("hi alice", aliceClient.next(6).path("msg").asText());

        try (Jedis jedis = TestRedis.connect("redis://127.0.0.1:" + redisPort)) {
            assertEquals("yes", jedis.configGet("appendonly").get("appendonly"),
                    "Redis runs without its append-only file: unconfirmed messages would not survive a restart");
        }
    }

    private int register(int nginxPort) {
        try (ChatClient client = ChatClient.connect("127.0.0.1", nginxPort)) {
            return client.register("user-" + (++names), PASSWORD);
        }
    }

    private ChatClient login(int nginxPort, int user) {
        ChatClient client = ChatClient.connect("127.0.0.1", nginxPort);
        started.add(client);
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
