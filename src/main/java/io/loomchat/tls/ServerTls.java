package io.loomchat.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's side of TLS, from {@code --tls-cert} and {@code --tls-key}: one JSSE
 * {@link SSLContext} that every TLS listener of the server shares (the chat port here, the web
 * port through its own server library). The files can be read again ({@link #reload()}): a
 * renewed certificate then serves every new handshake on both ports, without a restart and
 * without touching connections already open.
 */
public final class ServerTls {

    /** TLS 1.3 first; 1.2 for clients that have nothing newer. Nothing older is safe. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final char[] IN_MEMORY_PASSWORD = new char[0];

    /** What a {@link #reload()} did. */
    public enum Reload {
        /** The files hold nothing new: the certificate in use, or what was refused already. */
        UNCHANGED,
        /** New handshakes now get the certificate the files hold. */
        RELOADED,
        /**
         * The files cannot be read, or changed into something that cannot be used (see
         * {@link #lastProblem()}); the certificate in use stays.
         */
        REFUSED
    }

    private final Path certificateFile;
    private final Path keyFile;
    private final SSLContext context;
    private final SwappableKeyManager keys;
    private final Lock reloading = new ReentrantLock();
    private volatile X509Certificate certificate;
    /** The two files' bytes when last loaded, and when last refused: a pair is parsed only when it is new. */
    private byte[] loadedFiles; // guarded by reloading
    private byte[] refusedFiles; // guarded by reloading
    private volatile String lastProblem;

    private ServerTls(Path certificateFile, Path keyFile, Loaded first) throws GeneralSecurityException {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.keys = new SwappableKeyManager(first.keys());
        this.context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keys}, null, null);
        this.certificate = first.certificate();
        this.loadedFiles = first.files();
    }

    /** One reading of the two files: the key manager for them, and what they held. */
    private record Loaded(X509ExtendedKeyManager keys, X509Certificate certificate, byte[] files) {
    }

    /**
     * Reads a PEM certificate chain and its PKCS#8 private key.
     *
     * @throws IllegalArgumentException one sentence on what is wrong with which file
     */
    public static ServerTls fromPem(Path certificateFile, Path keyFile) {
        Loaded first = load(certificateFile, keyFile, contents(certificateFile, keyFile));
        try {
            return new ServerTls(certificateFile, keyFile, first);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no TLS", e);
        }
    }

    /**
     * Reads the two files again and, when they changed and hold a certificate and its key, makes
     * that the certificate of every new handshake. Files that cannot be used (one replaced before
     * the other, a typing mistake) change nothing: the certificate in use stays, and the same
     * files are not tried again until they change once more.
     */
    public Reload reload() {
        reloading.lock();
        try {
            byte[] files;
            try {
                files = contents(certificateFile, keyFile);
            } catch (IllegalArgumentException unreadable) {
                lastProblem = unreadable.getMessage();
                return Reload.REFUSED;
            }
            if (Arrays.equals(files, loadedFiles) || Arrays.equals(files, refusedFiles)) {
                return Reload.UNCHANGED;
            }
            Loaded next;
            try {
                next = load(certificateFile, keyFile, files);
            } catch (IllegalArgumentException unusable) {
                refusedFiles = files;
                lastProblem = unusable.getMessage();
                return Reload.REFUSED;
            }
            keys.swap(next.keys());
            certificate = next.certificate();
            loadedFiles = files;
            refusedFiles = null;
            lastProblem = null;
            return Reload.RELOADED;
        } finally {
            reloading.unlock();
        }
    }

    /** Why the last {@link #reload()} refused the files, or null. */
    public String lastProblem() {
        return lastProblem;
    }

    /** Both files' bytes, one after the other: what tells a changed pair from the one in use. */
    private static byte[] contents(Path certificateFile, Path keyFile) {
        try {
            byte[] certificate = Files.readAllBytes(certificateFile);
            byte[] key = Files.readAllBytes(keyFile);
            byte[] both = Arrays.copyOf(certificate, certificate.length + key.length);
            System.arraycopy(key, 0, both, certificate.length, key.length);
            return both;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + certificateFile + " and " + keyFile + ": " + e, e);
        }
    }

    private static Loaded load(Path certificateFile, Path keyFile, byte[] files) {
        List<X509Certificate> chain = PemFiles.certificates(certificateFile);
        PrivateKey key = PemFiles.privateKey(keyFile, chain.get(0), certificateFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("loomchat", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY_PASSWORD);
            for (KeyManager manager : factory.getKeyManagers()) {
                if (manager instanceof X509ExtendedKeyManager x509) {
                    return new Loaded(x509, chain.get(0), files);
                }
            }
            throw new IllegalStateException("the JVM's key manager factory made no X.509 key manager");
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

    /** Who the certificate in use is for, for the start-up line and the log. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    /** Who signed the certificate in use. */
    public String issuer() {
        return certificate.getIssuerX500Principal().getName();
    }

    /** When the certificate in use expires. */
    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
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
