package io.loomchat.server;

/**
 * The business side of one connection. Every method runs on that connection's reader thread,
 * one at a time, so an implementation needs no locking for state only the reader touches.
 */
public interface ConnectionListener {

    /** Creates the listener of a newly accepted connection. */
    interface Factory {
        ConnectionListener connected(Outbound outbound);

        /**
         * What a client is told, in one frame (its JSON; the transport frames it), when every
         * connection permit is taken; the connection is closed right after.
         */
        byte[] serverFull(int maxConnections);
    }

    /**
     * One frame without its terminator (and without a {@code \r} before {@code \n}). The array
     * is the reader's buffer: it is valid only during the call.
     *
     * <p>Returns true when serving the frame parked the reader deep in its stack (in a database
     * driver, say): the connection then goes on reading on a fresh virtual thread. A virtual
     * thread keeps its frames, once parked, in stack chunks on the heap, and the chunk sized by
     * its deepest park stays with it; an idle connection should keep only the shallow one of a
     * read (loadtest/results/2026-11-27-idle-reader-stack.md).
     */
    boolean onFrame(byte[] buffer, int offset, int length, boolean nulTerminated);

    /**
     * The transport received something that cannot carry a frame (a binary WebSocket message);
     * the peer is told why and the connection stays open.
     */
    void onUnreadableFrame(String why);

    /** The peer sent a frame over the size limit; the connection closes after this returns. */
    void onFrameTooLarge(int maxFrameBytes);

    /**
     * The connection has closed, for any reason, and what was queued for it has been written or
     * reported undelivered. {@link Outbound#send} refuses frames from now on.
     */
    void onClose();
}
