package io.loomchat.service;

import io.loomchat.protocol.Errno;

/** A request refused with an errno; the message becomes the reply's {@code errmsg}. */
final class ServiceException extends RuntimeException {

    private final Errno errno;

    ServiceException(Errno errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    ServiceException(Errno errno) {
        this(errno, errno.text());
    }

    Errno errno() {
        return errno;
    }
}
