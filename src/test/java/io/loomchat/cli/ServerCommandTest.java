package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import io.loomchat.store.StoreConfig;
import io.loomchat.testing.Backend;
import io.loomchat.testing.TestDatabase;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees when `loomchat server` cannot start: an exit code that says why. */
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

    private static int run(String... args) {
        return LoomChat.commandLine().execute(args);
    }
}
