package io.loomchat.loadtest.wire;

/**
 * How the simulated clients end their frames, which also fixes the dialect the server answers
 * in (PROTOCOL.md, Framing): {@code \n} is the modern dialect, {@code \0} the legacy one of the
 * classic C++ client, where the server sends no ACK, PONG or PRESENCE.
 */
public enum Framing {
    MODERN((byte) '\n'),
    CLASSIC((byte) 0);

    private final byte terminator;

    Framing(byte terminator) {
        this.terminator = terminator;
    }

    byte terminator() {
        return terminator;
    }

    /** Whether the server acknowledges requests (ACK, PONG) on a connection of this framing. */
    public boolean acknowledged() {
        return this == MODERN;
    }
}
