package io.loomchat.tls;

import java.io.IOException;

/**
 * The server was reached but cannot be trusted, or does not speak TLS: connecting again will
 * not change that, so a client gives up and says this exception's one sentence.
 */
public final class ServerNotTrustedException extends IOException {

    ServerNotTrustedException(String sentence, Throwable cause) {
        super(sentence, cause);
    }
}
