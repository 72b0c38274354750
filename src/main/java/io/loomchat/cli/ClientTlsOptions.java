package io.loomchat.cli;

import io.loomchat.tls.ClientTls;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --tls} and {@code --ca-file} of the commands that connect to a server (or to nginx). */
final class ClientTlsOptions {

    @Option(names = "--tls", defaultValue = "${env:LOOMCHAT_TLS:-false}",
            description = "Speak TLS and verify the server's certificate and host name (env LOOMCHAT_TLS).")
    boolean enabled;

    @Option(names = "--ca-file", paramLabel = "<pem>", defaultValue = "${env:LOOMCHAT_CA_FILE}",
            description = "With --tls: trust the CA certificates in this PEM file instead of the JDK's "
                    + "default trust store (env LOOMCHAT_CA_FILE).")
    Path caFile;

    /**
     * The client's TLS, or {@code null} for plaintext.
     *
     * @throws IllegalArgumentException --ca-file without --tls, or an unusable CA file
     */
    ClientTls load() {
        if (!enabled) {
            if (caFile != null) {
                throw new IllegalArgumentException("--ca-file is for TLS connections: give --tls too");
            }
            return null;
        }
        return ClientTls.trusting(caFile);
    }
}
