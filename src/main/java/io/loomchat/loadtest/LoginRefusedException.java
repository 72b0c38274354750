package io.loomchat.loadtest;

import java.io.IOException;

/** The server answered a login with an errno: the caller decides whether to try again. */
final class LoginRefusedException extends IOException {

    final int errno;

    LoginRefusedException(String message, int errno) {
        super(message);
        this.errno = errno;
    }
}
