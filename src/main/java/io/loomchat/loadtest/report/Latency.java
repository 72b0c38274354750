package io.loomchat.loadtest.report;

/** The latencies a run records, in nanoseconds; {@link #key} is the name in report.json. */
public enum Latency {
    /** Sender's send time to the recipient's receipt (both in this process). */
    DELIVERY("delivery"),
    /** Send to the server's ACK (modern framing only). */
    ACK("ack"),
    /** LOGIN sent to LOGIN_ACK received. */
    LOGIN("login"),
    /**
     * Failover: the kill to a dropped client being back: for a chatting client, its first message
     * delivered after it logged in again; for an idle one, its login.
     */
    RECOVERY("recovery"),
    /** Failover: delivery latency of messages between two clients that the kill did not drop. */
    UNDISTURBED("undisturbed");

    private final String key;

    Latency(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }
}
