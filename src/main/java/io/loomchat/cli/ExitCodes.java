package io.loomchat.cli;

/** Process exit codes of every subcommand. */
final class ExitCodes {

    static final int OK = 0;
    /** The server or client stopped because of an error at run time. */
    static final int FAILED = 1;
    /** Bad options (picocli's own code for usage errors). */
    static final int USAGE = 2;
    /** The port could not be bound. */
    static final int CANNOT_LISTEN = 3;
    /** The database could not be opened. */
    static final int NO_DATABASE = 4;
    /** Cluster mode: Redis could not be reached, or the node id is taken by a running server. */
    static final int NO_CLUSTER = 5;

    private ExitCodes() {
    }
}
