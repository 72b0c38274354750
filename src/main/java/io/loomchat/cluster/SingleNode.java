package io.loomchat.cluster;

import java.util.List;

/**
 * The cluster of one: nobody else holds users, so every claim succeeds (the server's own
 * table of sessions refuses a second login) and nothing can be forwarded.
 */
public final class SingleNode implements Cluster {

    private static final String NAME = "single";

    private final FailureCounts loginFailures = new LocalFailureCounts();

    @Override
    public String nodeName() {
        return NAME;
    }

    @Override
    public int messageNodeNumber() {
        return 0;
    }

    @Override
    public void start(Listener listener) {
    }

    @Override
    public Claim claim(Mailbox mailbox, boolean receipts, int maxDevices) {
        return Claim.FIRST; // the server's own table of sessions knows the rest
    }

    /** The session's memory is the only copy: a single server promises nothing across its own death. */
    @Override
    public Inbox inbox() {
        return Inbox.NONE;
    }

    @Override
    public boolean release(Mailbox mailbox) {
        return true;
    }

    @Override
    public Reached forward(Delivery delivery, List<Integer> userIds, int exceptMailbox) {
        return Reached.NOTHING;
    }

    @Override
    public void devicesChanged(int userId) {
    }

    @Override
    public void groupChanged(int groupId) {
    }

    @Override
    public boolean hearsEveryChange() {
        return true; // every change happens here
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public boolean leaseInDoubt() {
        return false; // nobody else to take this server for dead
    }

    @Override
    public FailureCounts loginFailures() {
        return loginFailures;
    }

    @Override
    public void close() {
    }
}
