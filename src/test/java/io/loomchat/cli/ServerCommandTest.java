package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.loomchat.ServerSettings;
import io.loomchat.server.NetworkConfig;
import io.loomchat.service.ServiceConfig;
import io.loomchat.store.StoreConfig;
import io.loomchat.testing.Backend;
import io.loomchat.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What an operator sees when `loomchat server` cannot start (an exit code that says why), and
 * which settings its options make.
 */
class ServerCommandTest {

    @Test
    void badOptionsExitWith2() {
        assertEquals(2, run("server", "--port", "70000"));
        assertEquals(2, run("server", "--idle-timeout", "soon"));
        assertEquals(2, run("server", "--max-frame-bytes", "10"));
        assertEquals(2, run("server", "--db-url", "mysql://no-jdbc-prefix"));
        assertEquals(2, run("server", "--log-level", "io.loomchat"));
        assertEquals(2, run("server", "--log-format", "xml"));
        assertEquals(2, run("server", "--history-retention", "-1d"));
        assertEquals(2, run("server", "--history-retention", "forever"));
        assertEquals(2, run("server", "--metrics-port", "70000"));
        assertEquals(2, run("server", "--tls-reload-interval=-1s"));
        assertEquals(2, run(), "no subcommand");
    }

    @Test
    void aPortInUseExitsWith3(@TempDir Path data) throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertEquals(3, run("server", "--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
                    "--db-url", StoreConfig.embeddedUrl(data.resolve("loomchat"))));
        }
    }

    /** Takes a few seconds: the pool keeps trying to connect for its start-up timeout. */
    @Test
    void anUnreachableDatabaseExitsWith4() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        assertEquals(4, run("server", "--port", "0", "--db-url", "jdbc:mysql://127.0.0.1:" + closedPort + "/loomchat"));
    }

    @Test
    void clusterModeNeedsASharedDatabaseAndSaneClusterOptions() {
        assertEquals(2, run("server", "--port", "0", "--redis", "redis://127.0.0.1:6379"),
                "the embedded database cannot be shared by the servers of a cluster");
        assertEquals(2, run("server", "--port", "0", "--db-url", "jdbc:mysql://127.0.0.1:3306/x", "--redis", "http://x"));
        assertEquals(2, run("server", "--port", "0", "--db-url", "jdbc:mysql://127.0.0.1:3306/x",
                "--redis", "redis-sentinel://127.0.0.1:26379"), "a Sentinel URL without the master's name");
        assertEquals(2, run("server", "--port", "0", "--db-url", "jdbc:mysql://127.0.0.1:3306/x",
                "--redis", "redis://127.0.0.1:6379", "--node-id", "two words"));
        assertEquals(2, run("server", "--port", "0", "--node-id", "n1"), "a node id without --redis");
    }

    @Test
    void anUnreachableRedisExitsWith5() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (TestDatabase database = TestDatabase.create(Backend.MYSQL)) {
            var config = database.config();
            assertEquals(5, run("server", "--host", "127.0.0.1", "--port", "0", "--db-url", config.url(),
                    "--db-user", config.user(), "--db-password", config.password(),
                    "--redis", "redis://127.0.0.1:" + closedPort));
        }
    }

    @Test
    void helpAndVersionExitWith0() {
        assertEquals(0, run("--version"));
        assertEquals(0, run("server", "--help"));
        assertEquals(0, run("client", "--help"));
        assertEquals(0, run("loadtest", "--version"));
    }

    @Test
    void withoutOptionsTheSettingsAreTheDocumentedDefaults() {
        assumeTrue(System.getenv().keySet().stream()
                .noneMatch(name -> name.startsWith("LOOMCHAT_") && !name.startsWith("LOOMCHAT_TEST_")),
                "a LOOMCHAT_ variable of the environment would change a default");
        ServerSettings settings = settings();
        assertEquals(NetworkConfig.defaults(), settings.network());
        assertEquals(StoreConfig.EMBEDDED_URL, settings.store().url());
        assertEquals(ServiceConfig.DEFAULT_HASH_THREADS, settings.service().hashThreads());
        assertNull(settings.cluster());
        assertNull(settings.web());
        assertNull(settings.metricsPort());
        assertEquals(Duration.ofMinutes(1), settings.tlsReloadInterval());
    }

    @Test
    void everyPartOfTheSettingsComesFromItsOption() {
        ServerSettings settings = settings("--host", "127.0.0.1", "--port", "7000", "--max-connections", "5",
                "--max-frame-bytes", "1024", "--idle-timeout", "2m", "--proxy-protocol",
                "--db-url", "jdbc:mysql://127.0.0.1:3306/x", "--db-pool-size", "3", "--hash-threads", "1",
                "--redis", "redis://127.0.0.1:6379", "--node-id", "n7", "--channel-prefix", "t:",
                "--web-port", "7001", "--web-origins", "https://chat.example.com", "--metrics-port", "7002",
                "--tls-reload-interval", "0s");
        assertEquals(NetworkConfig.builder().host("127.0.0.1").port(7000).maxConnections(5).maxFrameBytes(1024)
                .idleTimeout(Duration.ofMinutes(2)).proxyProtocol(true).build(), settings.network());
        assertEquals("jdbc:mysql://127.0.0.1:3306/x", settings.store().url());
        assertEquals(3, settings.store().poolSize());
        assertEquals(1, settings.service().hashThreads());
        assertEquals("n7", settings.cluster().nodeName());
        assertEquals("t:", settings.cluster().channelPrefix());
        assertEquals(7001, settings.web().port());
        assertEquals(java.util.List.of("https://chat.example.com"), settings.web().origins());
        assertEquals(7002, settings.metricsPort());
        assertEquals(Duration.ZERO, settings.tlsReloadInterval());
    }

    /** What `loomchat server` would start with these options, without starting it. */
    private static ServerSettings settings(String... options) {
        CommandLine commandLine = LoomChat.commandLine();
        String[] args = new String[options.length + 1];
        args[0] = "server";
        System.arraycopy(options, 0, args, 1, options.length);
        commandLine.parseArgs(args);
        ServerCommand server = commandLine.getSubcommands().get("server").getCommand();
        return server.settings();
    }

    private static int run(String... args) {
        return LoomChat.commandLine().execute(args);
    }
}
