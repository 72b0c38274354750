package io.loomchat.server;

/**
 * The write side of one connection, which is all the business layer ever sees of the network.
 * Safe to call from any thread.
 */
public interface Outbound {

    /**
     * Queues a frame. Returns {@code false}, without queueing, when the connection is closing
     * or its queue is full; a full queue also disconnects the slow client.
     */
    boolean send(OutboundFrame frame);

    /** Stops reading; what is already queued is still written before the socket closes. */
    void close();

    /** The remote address and port, for log lines. */
    String peer();

    /** The client's IP address, for throttling and audit logs. */
    String clientAddress();
}
