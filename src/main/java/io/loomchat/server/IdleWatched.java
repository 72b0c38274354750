package io.loomchat.server;

/** A connection the {@link IdleSweeper} looks at: one of any transport. */
interface IdleWatched {

    /**
     * Closes the connection if it has been waiting for its peer since before {@code deadline}
     * ({@link System#nanoTime} scale); does nothing otherwise.
     */
    void closeIfWaitingSince(long deadline);
}
