package io.loomchat.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of the server's one SSLContext: it hands every handshake to the key manager
 * of the certificate loaded last. Replacing that one is how a renewed certificate takes effect
 * without a restart, for the chat port and the web port (which was given the same SSLContext)
 * alike: handshakes already done keep their certificate, the next ones get the new one.
 * A handshake asks for the chain and the key in two calls; one that straddles a swap gets the
 * old chain with the new key and fails, and its client connects again. Every key manager here
 * holds one entry under the same alias, so the alias it chose still names something.
 */
final class SwappableKeyManager extends X509ExtendedKeyManager {

    private volatile X509ExtendedKeyManager current;

    SwappableKeyManager(X509ExtendedKeyManager first) {
        this.current = first;
    }

    void swap(X509ExtendedKeyManager next) {
        current = next;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return current.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return current.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.getPrivateKey(alias);
    }

    // A server presents certificates; it never authenticates as a client.

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }
}
