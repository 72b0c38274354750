package io.loomchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The one place that assembles a server starts every part it is given and stops them all. */
class LoomChatServerTest {

    @Test
    void everyPortComesUpAndEveryPortIsReleasedOnClose() throws Exception {
        int tcp;
        int web;
        int ops;
        try (TestDatabase database = TestDatabase.create(Backend.H2)) {
            try (LoomChatServer server = LoomChatServer.start(RunningServer.settings(database.config())
                    .web(RunningServer.defaultWeb()).metricsPort(0).build());
                 ChatClient client = ChatClient.connect("127.0.0.1", server.port())) {
                tcp = server.port();
                web = server.webPort();
                ops = server.metricsPort();
                assertTrue(client.register("alice", "pw") > 0);
                assertEquals(200, get(ops, "/ready").statusCode());
                assertEquals(200, get(web, "/").statusCode());
            }
            assertClosed(tcp);
            assertClosed(web);
            assertClosed(ops);
        }
    }

    @Test
    void aMetricsPortInUseNamesItselfAndStopsThePartsAlreadyStarted() throws Exception {
        try (TestDatabase database = TestDatabase.create(Backend.H2);
             ServerSocket taken = new ServerSocket(0)) {
            int tcp;
            try (ServerSocket probe = new ServerSocket(0)) {
                tcp = probe.getLocalPort();
            }
            ServerSettings settings = RunningServer.settings(database.config())
                    .network(RunningServer.defaultNetwork().withPort(tcp)).metricsPort(taken.getLocalPort()).build();
            IOException refused = assertThrows(IOException.class, () -> LoomChatServer.start(settings));
            assertTrue(refused.getMessage().contains(":" + taken.getLocalPort() + " for metrics"), refused.getMessage());
            assertClosed(tcp);
            // Nothing of the failed start is left holding a port: the same settings start a server now.
            taken.close();
            try (LoomChatServer server = LoomChatServer.start(settings)) {
                assertEquals(tcp, server.port());
            }
        }
    }

    private static void assertClosed(int port) {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "port " + port + " still open");
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
