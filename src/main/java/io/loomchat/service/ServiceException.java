package io.loomchat.service;

import io.loomchat.protocol.Errno;

/** A request refused with an errno; the message becomes the reply's {@code errmsg}. */
final class ServiceException extends RuntimeException {

    private final Errno errno;
    private final long retryAfterMillis;

    ServiceException(Errno errno, String message) {
        this(errno, message, 0);
    }

    /** A refusal that tells the client how long to wait before trying again. */
    ServiceException(Errno errno, String message, long retryAfterMillis) {
        super(message, null, false, false);
        this.errno = errno;
        this.retryAfterMillis = retryAfterMillis;
    }

    ServiceException(Errno errno) {
        this(errno, errno.text());
    }

    Errno errno() {
        return errno;
    }

    /** Milliseconds to wait before trying again; 0 when that does not apply. */
    long retryAfterMillis() {
        return retryAfterMillis;
    }
}
