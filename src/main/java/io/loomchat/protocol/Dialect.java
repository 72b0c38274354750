package io.loomchat.protocol;

/**
 * How a connection talks, fixed by the terminator of its first frame (PROTOCOL.md, "Framing").
 */
public enum Dialect {
    /** {@code \n}-terminated frames: every reply, ACK, PONG and PRESENCE. */
    MODERN,
    /**
     * {@code \0}-terminated frames from the classic C++ client: only message types 2, 5, 6 and 10
     * are sent, and the login ack's arrays hold JSON-encoded strings.
     */
    LEGACY;

    /** The dialect a connection's first frame fixes. */
    public static Dialect ofFirstFrame(boolean nulTerminated) {
        return nulTerminated ? LEGACY : MODERN;
    }
}
