package io.loomchat.cli;

import io.loomchat.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --tls-cert} and {@code --tls-key} of {@code loomchat server}: both or neither. */
final class ServerTlsOptions {

    @Option(names = "--tls-cert", paramLabel = "<pem>", defaultValue = "${env:LOOMCHAT_TLS_CERT}",
            description = "Speak TLS 1.3/1.2 with this PEM certificate; the file may hold the chain behind it "
                    + "(env LOOMCHAT_TLS_CERT; default: plaintext). Needs --tls-key.")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "<pem>", defaultValue = "${env:LOOMCHAT_TLS_KEY}",
            description = "The certificate's private key, unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY), RSA or EC "
                    + "(env LOOMCHAT_TLS_KEY).")
    Path key;

    @Option(names = "--tls-reload-interval", defaultValue = "${env:LOOMCHAT_TLS_RELOAD_INTERVAL:-1m}",
            converter = DurationConverter.class,
            description = "How often to read --tls-cert and --tls-key again: a renewed certificate is then served to new "
                    + "connections without a restart (env LOOMCHAT_TLS_RELOAD_INTERVAL; default: 1m; 0s: never).")
    Duration reloadInterval;

    /**
     * The server's TLS, or {@code null} for plaintext.
     *
     * @throws IllegalArgumentException one of the two is missing, or a file is unusable
     */
    ServerTls load() {
        if (certificate == null && key == null) {
            return null;
        }
        if (certificate == null || key == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both (or neither, "
                    + "for plaintext)");
        }
        return ServerTls.fromPem(certificate, key);
    }
}
