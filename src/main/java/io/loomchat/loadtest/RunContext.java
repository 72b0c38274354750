package io.loomchat.loadtest;

import java.io.PrintStream;

/**
 * What every part of one run shares: the options, where clients connect, the figures, the
 * streams, and what to do when a client's connection drops.
 */
final class RunContext {

    /** A dropped client's fate: stay down (counted), or come back (failover, mixed). */
    interface DropPolicy {
        void onDropped(SimUser user, Exception cause);
    }

    final LoadOptions options;
    final AddressPlan plan;
    final Metrics metrics = new Metrics();
    final Ledger ledger = new Ledger();
    final Framing framing;
    final String namePrefix;
    final String password;
    final PrintStream log;
    private volatile DropPolicy dropPolicy = (user, cause) -> { };
    private volatile RecoveryWatch recovery;
    private volatile boolean stopping;

    RunContext(LoadOptions options, AddressPlan plan, String namePrefix, PrintStream log) {
        this.options = options;
        this.plan = plan;
        this.framing = options.framing();
        this.namePrefix = namePrefix;
        this.password = "load-pw";
        this.log = log;
    }

    void dropPolicy(DropPolicy policy) {
        this.dropPolicy = policy;
    }

    DropPolicy dropPolicy() {
        return dropPolicy;
    }

    void recovery(RecoveryWatch watch) {
        this.recovery = watch;
    }

    /** The failover's watch, or null in the other scenarios. */
    RecoveryWatch recovery() {
        return recovery;
    }

    /** The run is closing its clients: drops from now on are the load test's own doing. */
    void stopping() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }
}
