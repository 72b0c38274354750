package io.loomchat.testing;

import java.time.Duration;

/** How a {@link ChatClient} moves frames: a TCP socket or a WebSocket. */
interface FrameLink extends AutoCloseable {

    /** Sends bytes as the transport carries them (TCP: as they are; WebSocket: one text message). */
    void write(byte[] bytes);

    /** One frame without its terminator, or null when none arrives in time or the server has closed. */
    byte[] read(Duration wait);

    /** Whether the server has closed the connection (and every frame before that was read). */
    boolean ended();

    @Override
    void close();
}
