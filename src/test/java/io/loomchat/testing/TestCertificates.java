package io.loomchat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA and a server certificate signed by it, made by the shipped
 * {@code scripts/make-certs} (openssl) in a directory of the test's, as {@code ./cluster start
 * --tls} makes them. Without openssl the test fails under {@code CI=true} and is skipped elsewhere.
 */
public record TestCertificates(Path directory) {

    /** For {@code localhost} and {@code 127.0.0.1}, the names local clients use. */
    public static TestCertificates forLocalhost(Path directory) {
        return make(directory);
    }

    /** For the given subjectAltNames only ({@code DNS:chat.example.org}, {@code IP:10.0.0.1}). */
    public static TestCertificates make(Path directory, String... subjectAltNames) {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/make-certs", directory.toString()));
        command.addAll(List.of(subjectAltNames));
        ShortCommand made = ShortCommand.run(command, Duration.ofSeconds(60));
        if (made.exit() == 3) {
            throw Prerequisite.missing(made.output().strip());
        }
        made.requireSuccess();
        TestCertificates certificates = new TestCertificates(directory);
        if (!Files.isRegularFile(certificates.certificate()) || !Files.isRegularFile(certificates.key())) {
            throw new IllegalStateException("scripts/make-certs left no server.pem/server.key in " + directory);
        }
        return certificates;
    }

    /** What clients are given with --ca-file. */
    public Path ca() {
        return directory.resolve("ca.pem");
    }

    /** The server's certificate followed by the CA's. */
    public Path certificate() {
        return directory.resolve("server.pem");
    }

    public Path key() {
        return directory.resolve("server.key");
    }

    /** A JSSE context trusting this CA only, for the JDK's HTTP and WebSocket client (https, wss). */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(ca())) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", ca);
            TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + ca(), e);
        }
    }
}
