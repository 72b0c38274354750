package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestCertificates;
import io.loomchat.tls.ServerTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server with --tls-cert and --web-port: the web port speaks TLS with the same certificate
 * as the chat port. HTTP comes over https, a wss:// client chats with a TLS client on the
 * chat port, and a browser-like client that does not trust the CA gets nothing.
 */
class WebPortOverTlsEndToEndTest {

    @Test
    void httpsAndWssComeOverTlsAndChatWithATlsClientOnTheChatPort(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.forLocalhost(dir);
        NetworkConfig network = RunningServer.defaultNetwork()
                .withTls(ServerTls.fromPem(certificates.certificate(), certificates.key()));
        SSLContext trusting = certificates.clientContext();
        try (RunningServer server = RunningServer.startWithWeb(Backend.H2, network, RunningServer.defaultWeb())) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting).build();
            HttpResponse<String> page = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.webPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            // The browser client's page came over TLS 1.3.
            assertEquals("TLSv1.3", page.sslSession().orElseThrow().getProtocol());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<script type=\"module\""), "the page loads its modules");

            try (ChatClient browser = ChatClient.connectSecureWebSocket("localhost", server.webPort(), trusting);
                 ChatClient console = ChatClient.connectTls("localhost", server.port(), trusting)) {
                int browserId = browser.register("web-alice", "pw");
                int consoleId = console.register("tcp-bob", "pw");
                browser.login(browserId, "pw");
                console.login(consoleId, "pw");
                browser.call("{\"msgid\":6,\"toid\":" + consoleId + ",\"msg\":\"over wss\"}");
                assertEquals("over wss", console.next(6).path("msg").asText());
                console.call("{\"msgid\":6,\"toid\":" + browserId + ",\"msg\":\"over TLS\"}");
                assertEquals("over TLS", browser.next(6).path("msg").asText());
            }

            HttpClient untrusting = HttpClient.newHttpClient();
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> untrusting.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.webPort() + "/")).build(), HttpResponse.BodyHandlers.ofString()));
        }
    }
}
