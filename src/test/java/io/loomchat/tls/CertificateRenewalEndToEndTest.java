package io.loomchat.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomchat.store.StoreConfig;
import io.loomchat.testing.Await;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.ServerProcess;
import io.loomchat.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process with its own TLS (--tls-cert/--tls-key) whose certificate is renewed
 * while it runs, as a renewal tool does it: the files are replaced one after the other. The pair
 * caught in between is refused and the old certificate stays; once both are new, every new
 * connection (chat port and wss) gets the new certificate, without a restart, while a client
 * connected before keeps chatting.
 */
class CertificateRenewalEndToEndTest {

    private static final String PASSWORD = "pw";

    @Test
    void aRenewedCertificateIsServedToNewConnectionsWhileOpenOnesCarryOn(@TempDir Path dir) throws Exception {
        // Two private CAs: clients trusting only one of them tell the two certificates apart.
        TestCertificates before = TestCertificates.forLocalhost(dir.resolve("before"));
        // The renewed certificate names one more host, first, so that it shows in the log; made a
        // second later, it also expires a second later, which the expiry metric must show.
        Thread.sleep(1_100);
        TestCertificates after = TestCertificates.make(dir.resolve("after"), "DNS:renewed.localhost", "DNS:localhost",
                "IP:127.0.0.1");
        assertNotEquals(notAfter(before.certificate()), notAfter(after.certificate()));
        Path live = Files.createDirectories(dir.resolve("live"));
        install(before.certificate(), live.resolve("server.pem"));
        install(before.key(), live.resolve("server.key"));
        SSLContext trustsBefore = before.clientContext();
        SSLContext trustsAfter = after.clientContext();
        int webPort = ServerProcess.freePort();
        int metricsPort = ServerProcess.freePort();

        try (ServerProcess server = ServerProcess.start("renewing", ServerProcess.freePort(), List.of(
                "--tls-cert", live.resolve("server.pem").toString(), "--tls-key", live.resolve("server.key").toString(),
                "--tls-reload-interval", "300ms", "--web-port", String.valueOf(webPort),
                "--metrics-port", String.valueOf(metricsPort),
                "--db-url", StoreConfig.embeddedUrl(dir.resolve("loomchat")),
                "--password-iterations", String.valueOf(RunningServer.TEST_PASSWORD_ITERATIONS)));
             ChatClient early = ChatClient.connectTls("localhost", server.port(), trustsBefore)) {
            int earlyId = early.register("early", PASSWORD);
            early.login(earlyId, PASSWORD);
            assertEquals(notAfter(before.certificate()), expiryMetric(metricsPort));

            // The renewal tool writes the certificate first: for a moment it does not match the key.
            install(after.certificate(), live.resolve("server.pem"));
            awaitLine(server, "TLS certificate not reloaded");
            try (ChatClient meanwhile = ChatClient.connectTls("localhost", server.port(), trustsBefore)) {
                assertEquals(13, meanwhile.call("{\"msgid\":12}").path("msgid").asInt(), "the old certificate stays");
            }

            install(after.key(), live.resolve("server.key"));
            awaitLine(server, "TLS certificate reloaded: new handshakes get CN=renewed.localhost");
            assertEquals(notAfter(after.certificate()), expiryMetric(metricsPort), "the metric follows the renewal");
            UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                    () -> ChatClient.connectTls("localhost", server.port(), trustsBefore).close());
            assertInstanceOf(SSLHandshakeException.class, refused.getCause(), refused::toString);
            try (ChatClient late = ChatClient.connectTls("localhost", server.port(), trustsAfter);
                 ChatClient browser = ChatClient.connectSecureWebSocket("localhost", webPort, trustsAfter)) {
                int lateId = late.register("late", PASSWORD);
                late.login(lateId, PASSWORD);
                int browserId = browser.register("browser", PASSWORD);
                browser.login(browserId, PASSWORD);

                // The connection made before the renewal is untouched.
                early.call("{\"msgid\":6,\"toid\":" + lateId + ",\"msg\":\"still here\"}");
                assertEquals("still here", late.next(6).path("msg").asText());
                browser.call("{\"msgid\":6,\"toid\":" + earlyId + ",\"msg\":\"over the new certificate\"}");
                assertEquals("over the new certificate", early.next(6).path("msg").asText());
            }
        }
    }

    /** The certificate's notAfter, in seconds since the epoch. */
    private static long notAfter(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return certificate.getNotAfter().toInstant().getEpochSecond();
        }
    }

    /** loomchat_tls_certificate_expiry_seconds, as Prometheus would scrape it. */
    private static long expiryMetric(int metricsPort) throws Exception {
        String exposition = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher sample = Pattern.compile("(?m)^loomchat_tls_certificate_expiry_seconds\\{[^}]*\\} (\\S+)$").matcher(exposition);
        if (!sample.find()) {
            throw new AssertionError("no loomchat_tls_certificate_expiry_seconds in\n" + exposition);
        }
        return (long) Double.parseDouble(sample.group(1));
    }

    /** Replaces {@code target}'s content in place, as `cp` does (not a rename). */
    private static void install(Path source, Path target) throws IOException {
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitLine(ServerProcess server, String text) {
        Await.until(Duration.ofSeconds(10), "the server logging \"" + text + "\"",
                () -> server.output().stream().anyMatch(line -> line.contains(text)));
    }
}
