package io.loomchat.server;

/** A connection the {@link IdleSweeper} looks at: one of any transport. */
interface IdleWatched {

    /**
     * Looked at by the sweeper at {@code now} ({@link System#nanoTime} scale): closes the
     * connection if it has waited for its peer longer than its idle timeout; does nothing
     * otherwise (a TCP connection also notes a wait long enough for its reader to sleep).
     */
    void sweep(long now);
}
