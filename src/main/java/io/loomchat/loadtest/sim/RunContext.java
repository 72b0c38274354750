package io.loomchat.loadtest.sim;

import io.loomchat.loadtest.LoadOptions;
import io.loomchat.loadtest.receipts.ReceiptFlusher;
import io.loomchat.loadtest.report.Metrics;
import io.loomchat.loadtest.wire.Framing;
import io.loomchat.loadtest.wire.LoadTransport;
import java.io.PrintStream;

/**
 * What every part of one run shares: the options, where clients connect, the figures, the
 * streams, the sender of delivery receipts, and what to do when a client's connection drops.
 * Closing it stops the receipts' thread.
 */
public final class RunContext implements AutoCloseable {

    /** A dropped client's (device session's) fate: stay down (counted), or come back (failover, mixed). */
    public interface DropPolicy {
        void onDropped(SimDevice device, Exception cause);

        /** Dropped clients still on their way back (logging in again); the drain waits for them. */
        default int comingBack() {
            return 0;
        }
    }

    public final LoadOptions options;
    final AddressPlan plan;
    public final Metrics metrics = new Metrics();
    public final Ledger ledger = new Ledger();
    public final Framing framing;
    final LoadTransport transport;
    final String namePrefix;
    final String password;
    public final PrintStream log;
    /** Whether modern logins ask for delivery receipts (protocol 2.2); false with --no-receipts or classic framing. */
    public final boolean receipts;
    /** Sends the receipts sessions' RECEIPTs; null when {@link #receipts} is off. */
    final ReceiptFlusher receiptFlusher;
    private volatile DropPolicy dropPolicy = (user, cause) -> { };
    private volatile RecoveryWatch recovery;
    private volatile boolean stopping;

    public RunContext(LoadOptions options, AddressPlan plan, String namePrefix, PrintStream log) {
        this.options = options;
        this.plan = plan;
        this.framing = options.framing();
        this.transport = options.transport();
        this.namePrefix = namePrefix;
        this.password = "load-pw";
        this.log = log;
        this.receipts = options.receipts();
        this.receiptFlusher = receipts ? new ReceiptFlusher() : null;
    }

    public void dropPolicy(DropPolicy policy) {
        this.dropPolicy = policy;
    }

    public DropPolicy dropPolicy() {
        return dropPolicy;
    }

    public void recovery(RecoveryWatch watch) {
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

    public boolean isStopping() {
        return stopping;
    }

    @Override
    public void close() throws InterruptedException {
        if (receiptFlusher != null) {
            receiptFlusher.close();
        }
    }
}
