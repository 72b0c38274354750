package io.loomchat.server;

/**
 * One frame queued for a connection: its bytes, terminator included, and what to do once its
 * fate is known.
 *
 * @param bytes    the whole frame, written in one piece
 * @param callback told whether the frame reached the socket; never {@code null}
 */
public record OutboundFrame(byte[] bytes, Callback callback) {

    /** What the sender of a frame wants to hear about it. Runs on a connection's own threads. */
    public interface Callback {
        Callback NONE = new Callback() {
        };

        /** The frame was handed to the socket. Runs on the connection's writer thread. */
        default void written() {
        }

        /**
         * The connection closed before the frame was written, or the write failed. Whoever cares
         * about the frame (a chat message, say) must find it another way home.
         */
        default void undelivered() {
        }
    }

    public OutboundFrame {
        if (bytes == null || callback == null) {
            throw new NullPointerException("bytes and callback are required");
        }
    }

    public static OutboundFrame of(byte[] bytes) {
        return new OutboundFrame(bytes, Callback.NONE);
    }
}
