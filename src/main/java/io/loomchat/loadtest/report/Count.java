package io.loomchat.loadtest.report;

/** The counters every run keeps; {@link #key} is the field name in report.json. */
public enum Count {
    /** Chat messages written to a socket (one per message, however many recipients). */
    SENT("sent"),
    /** Chat messages the server acknowledged with errno 0 (modern framing only). */
    ACKNOWLEDGED("acknowledged"),
    ACKED_ONLINE("ackedOnline"),
    ACKED_OFFLINE("ackedOffline"),
    /**
     * Distinct deliveries: one per message and recipient device (with --devices 1, per recipient),
     * carbons to the sender's other devices included; duplicates not included.
     */
    DELIVERED("delivered"),
    /**
     * Deliveries the server owed (one per acknowledged message and recipient device, and per carbon
     * to another device of its sender; per sent message and recipient in the classic dialect) that
     * arrived by the end of the drain. With {@link #LOST} they add up to every owed delivery.
     * Counted once, after the drain.
     */
    RECEIVED("received"),
    /** Deliveries the server owed and never made (a device never shown the message), counted once at the end of the run. */
    LOST("lost"),
    /** Of {@link #RECEIVED}: the carbons, copies owed to the sender's other devices (--devices above 1). */
    CARBONS_RECEIVED("carbonsReceived"),
    /** Of {@link #LOST}: carbons some other device of the sender never showed. */
    CARBONS_LOST("carbonsLost"),
    /**
     * Chat frames a device session got from another user's message (live, in a login ack, in the
     * pages after it), every one: repeats and those dropped by mid included. What the server wrote
     * to the devices, as against {@link #DELIVERED}, what they showed.
     */
    DEVICE_FRAMES_FROM_OTHERS("deviceFramesFromOthers"),
    /** Chat frames a device session got whose sender is its own user: carbons (protocol 2.3), every one. */
    DEVICE_FRAMES_CARBONS("deviceFramesCarbons"),
    /**
     * Deliveries a device (a user's only one with --devices 1) showed twice: a message that had
     * already arrived on it came again and got past the client (every repeat without receipts, or
     * one older than the device's {@link io.loomchat.loadtest.receipts.MidWindow} with them).
     * Must be 0. The key is the one of the reports before protocol 2.2, when every duplicate was
     * of this kind.
     */
    DUPLICATED_SHOWN("duplicated"),
    /** Receipts: chat frames whose mid the client had seen and dropped (redelivered unconfirmed messages). */
    DUPLICATED_DROPPED("duplicatedDropped"),
    /**
     * Receipts, proved (chaos): chat frames whose mid the device had confirmed in a RECEIPT that
     * the server proved handled (see {@link io.loomchat.loadtest.receipts.ConfirmationProofs}).
     * Protocol 2.2: must be 0.
     */
    CONFIRMED_AGAIN("confirmedAgain"),
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
    /** Logins whose ack said {@code "receipts": true}: sessions that confirm what they get (protocol 2.2). */
    RECEIPT_SESSIONS("receiptSessions"),
    /** RECEIPT frames written, and the mids they confirmed. */
    RECEIPT_FRAMES("receiptFrames"),
    CONFIRMED("confirmed"),
    /** RECEIPTs answered with errno 10 (database or Redis away): their messages come again. */
    RECEIPTS_REFUSED("receiptsRefused"),
    /** --read-state: READ frames written (one per chat frame a device showed from another user). */
    READS_SENT("readsSent"),
    /** --read-state: TYPING frames written (one per device every 3 s). */
    TYPING_SENT("typingSent"),
    /** Protocol 2.3 notices received by the device sessions: READ_NOTICE (21), DELIVERED (22), TYPING (23). */
    READ_NOTICES("readNotices"),
    DELIVERED_NOTICES("deliveredNotices"),
    TYPING_RECEIVED("typingReceived"),
    LOGIN_FAILURES("loginFailures"),
    RECONNECTS("reconnects"),
    REGISTRATIONS("registrations"),
    PINGS("pings"),
    PONGS("pongs"),
    /**
     * PINGs on connections still open at the end that no PONG answered within --drain after the
     * heartbeats stopped (modern dialect). Any is a server bug: a PING is always answered.
     */
    PINGS_UNANSWERED("pingsUnanswered"),
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
