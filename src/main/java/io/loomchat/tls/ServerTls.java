package io.loomchat.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The server's side of TLS, built once from {@code --tls-cert} and {@code --tls-key}: a JSSE
 * {@link SSLContext} that every TLS listener of the server shares (the chat port here, the web
 * port through its own server library).
 */
public final class ServerTls {

    /** TLS 1.3 first; 1.2 for clients that have nothing newer. Nothing older is safe. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final char[] IN_MEMORY_PASSWORD = new char[0];

    private final SSLContext context;
    private final X509Certificate certificate;

    private ServerTls(SSLContext context, X509Certificate certificate) {
        this.context = context;
        this.certificate = certificate;
    }

    /**
     * Reads a PEM certificate chain and its PKCS#8 private key.
     *
     * @throws IllegalArgumentException one sentence on what is wrong with which file
     */
    public static ServerTls fromPem(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = PemFiles.certificates(certificateFile);
        PrivateKey key = PemFiles.privateKey(keyFile, chain.get(0), certificateFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("loomchat", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, IN_MEMORY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new ServerTls(context, chain.get(0));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the certificate in " + certificateFile + " with the key in "
                    + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** For a server library that takes a JSSE context (the web port). */
    public SSLContext context() {
        return context;
    }

    /** The protocols this server speaks, for a library that is told them separately. */
    public static List<String> protocols() {
        return List.of(PROTOCOLS);
    }

    /** Who the certificate is for, for the start-up line. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    /**
     * Puts TLS over an accepted TCP socket, as the server side. Nothing is read or written yet:
     * the handshake runs on the first read or write, or at {@link SSLSocket#startHandshake()},
     * on whichever thread does that. Closing the returned socket closes {@code accepted} too.
     */
    public SSLSocket wrap(Socket accepted) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(accepted, accepted.getInetAddress().getHostAddress(), accepted.getPort(), true);
        socket.setUseClientMode(false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        socket.setSSLParameters(parameters);
        return socket;
    }
}
