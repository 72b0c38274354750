package io.loomchat.loadtest;

/** The counters every run keeps; {@link #key} is the field name in report.json. */
enum Count {
    /** Chat messages written to a socket (one per message, however many recipients). */
    SENT("sent"),
    /** Chat messages the server acknowledged with errno 0 (modern framing only). */
    ACKNOWLEDGED("acknowledged"),
    ACKED_ONLINE("ackedOnline"),
    ACKED_OFFLINE("ackedOffline"),
    /** Distinct deliveries: one per message and recipient, duplicates not included. */
    DELIVERED("delivered"),
    /** Deliveries the server owed and never made, counted once at the end of the run. */
    LOST("lost"),
    DUPLICATED("duplicated"),
    /** Deliveries that arrived after a later message of the same sender and conversation. */
    REORDERED("reordered"),
    /** Sent, neither acknowledged nor delivered: the connection died with the message on it. */
    UNACKNOWLEDGED("unacknowledged"),
    /** Refusals other than errno 8, failed sends, unreadable frames. */
    ERRORS("errors"),
    /** errno 8 replies: the server's per-connection request limit, not its capacity. */
    RATE_LIMITED("rateLimited"),
    /** Connections that ended without the load test closing them. */
    DROPS("drops"),
    LOGINS("logins"),
    LOGIN_FAILURES("loginFailures"),
    RECONNECTS("reconnects"),
    REGISTRATIONS("registrations"),
    PINGS("pings"),
    PONGS("pongs"),
    /** Closed-loop senders that waited too long for a delivery and sent the next message anyway. */
    STALLS("stalls");

    private final String key;

    Count(String key) {
        this.key = key;
    }

    String key() {
        return key;
    }
}
