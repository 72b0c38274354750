package io.loomchat.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager, asked in two steps so that a refusal says which check failed:
 * first the chain alone (signed by a trusted CA, in its validity period), then the chain with
 * the socket, which adds the host name check ({@code HTTPS} endpoint identification). The JDK
 * reports both as a bare {@link CertificateException}; a person needs to know which.
 */
final class TrustChecks extends X509ExtendedTrustManager {

    /** The chain itself was refused: unknown CA, expired, malformed. */
    static final class ChainRefused extends CertificateException {
        ChainRefused(CertificateException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The chain is trusted but names another host. */
    static final class WrongHost extends CertificateException {
        WrongHost(CertificateException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final X509ExtendedTrustManager pkix;

    TrustChecks(X509ExtendedTrustManager pkix) {
        this.pkix = pkix;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkChainThenHost(chain, authType, () -> pkix.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkChainThenHost(chain, authType, () -> pkix.checkServerTrusted(chain, authType, engine));
    }

    /** The PKIX check of the connection, host name included; run once the chain alone is known good. */
    @FunctionalInterface
    private interface HostCheck {
        void run() throws CertificateException;
    }

    /** The chain first, on its own, so that a refusal says which of the two failed. */
    private void checkChainThenHost(X509Certificate[] chain, String authType, HostCheck host) throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new ChainRefused(e);
        }
        try {
            host.run();
        } catch (CertificateException e) {
            throw new WrongHost(e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        // Only the socket and engine forms above can check the host name; JSSE always calls one of them.
        throw new CertificateException("a server is checked with its socket or engine, never without");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a LoomChat client checks servers, not clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a LoomChat client checks servers, not clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a LoomChat client checks servers, not clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
