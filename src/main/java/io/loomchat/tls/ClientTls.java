package io.loomchat.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The clients' side of TLS ({@code --tls [--ca-file PEM]}): the server's certificate must chain
 * to a trusted CA (the file's, or else the JDK's default trust store) and name the host the
 * client connected to. Nothing falls back to plaintext, and no refusal is ever overridden.
 */
public final class ClientTls {

    static final String UNTRUSTED = "the server's certificate is not signed by a trusted CA (use --ca-file)";

    private final SSLContext context;

    private ClientTls(SSLContext context) {
        this.context = context;
    }

    /**
     * Trusts the CA certificates in {@code caFile}, or the JDK's default trust store when it is null.
     *
     * @throws IllegalArgumentException the file cannot be read or holds no certificate
     */
    public static ClientTls trusting(Path caFile) {
        try {
            KeyStore anchors = null;
            if (caFile != null) {
                anchors = KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                List<X509Certificate> certificates = PemFiles.certificates(caFile);
                for (int i = 0; i < certificates.size(); i++) {
                    anchors.setCertificateEntry("ca-" + i, certificates.get(i));
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            X509ExtendedTrustManager pkix = null;
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    pkix = extended;
                }
            }
            if (pkix == null) {
                throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustChecks(pkix)}, null);
            return new ClientTls(context);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS trust" + (caFile == null ? "" : " in " + caFile)
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the TLS handshake over a connected socket, as the client of {@code host} (the name or
     * address the user gave, which the certificate must name), waiting at most {@code timeout}
     * for the server. Closing the returned socket closes {@code connected} too.
     *
     * @throws ServerNotTrustedException the server was refused, or answered without TLS
     * @throws IOException the connection failed or the server did not answer in time
     */
    public SSLSocket handshake(Socket connected, String host, Duration timeout) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(connected, host, connected.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(ServerTls.PROTOCOLS);
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        int readTimeout = connected.getSoTimeout();
        connected.setSoTimeout((int) timeout.toMillis());
        try {
            socket.startHandshake();
        } catch (SSLHandshakeException e) {
            throw refusal(e, host + ":" + connected.getPort());
        } catch (SSLException e) {
            // Bytes came back, but not TLS records: a plaintext chat server answering the hello.
            throw new ServerNotTrustedException(host + ":" + connected.getPort()
                    + " does not speak TLS (is it a plaintext port?)", e);
        }
        connected.setSoTimeout(readTimeout);
        return socket;
    }

    /**
     * Whether a line read in plaintext is the start of a TLS record (an alert or a handshake
     * message: content type 21 or 22, then major version 3): the server speaks TLS and has just
     * refused the plaintext it got. A chat frame never starts with these control characters.
     */
    public static boolean looksLikeTls(String line) {
        return line.length() >= 2 && (line.charAt(0) == 0x15 || line.charAt(0) == 0x16) && line.charAt(1) == 0x03;
    }

    /** What a plaintext client says when {@link #looksLikeTls} saw the server answer in TLS. */
    public static ServerNotTrustedException speaksTls() {
        return new ServerNotTrustedException("the server speaks TLS (connect with --tls)", null);
    }

    private static IOException refusal(SSLHandshakeException e, String address) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TrustChecks.WrongHost) {
                return new ServerNotTrustedException("the server's certificate is not for " + address.replaceFirst(":\\d+$", "")
                        + " (" + cause.getMessage() + ")", e);
            }
            if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException) {
                return new ServerNotTrustedException("the server's certificate has expired or is not valid yet ("
                        + cause.getMessage() + ")", e);
            }
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TrustChecks.ChainRefused) {
                return new ServerNotTrustedException(UNTRUSTED, e);
            }
        }
        // No certificate was judged: the handshake itself failed (no common protocol, the peer hung up).
        return e;
    }
}
