package io.loomchat.cluster;

/** The cluster cannot answer now (Redis is unreachable); the request was not carried out. */
public final class ClusterUnavailableException extends RuntimeException {

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
