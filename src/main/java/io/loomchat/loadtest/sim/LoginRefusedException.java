package io.loomchat.loadtest.sim;

import java.io.IOException;

/** The server answered a login with an errno: the caller decides whether to try again. */
final class LoginRefusedException extends IOException {

    final int errno;

    LoginRefusedException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /**
     * Whether the same login may pass a moment later: errno 2 (the previous session, or a
     * timed-out attempt's, is not released yet) and errno 10 (the server is busy, or its database
     * or Redis is away: the protocol says to try again).
     */
    boolean passesLater() {
        return errno == 2 || errno == 10;
    }
}
