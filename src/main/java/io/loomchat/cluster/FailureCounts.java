package io.loomchat.cluster;

import java.time.Duration;

/**
 * Counts failures (failed logins) under a key, such as a user id or a client address, across
 * the whole cluster: a guesser gains nothing by spreading tries over several servers. A count
 * is forgotten a window after its last failure.
 */
public interface FailureCounts {

    /** The failures under a key and when the last one happened; {@link Tally#NONE} when none count. */
    Tally read(String key);

    /** Counts one more failure under a key. */
    void add(String key, Duration window);

    /** Forgets the failures under a key (a successful login of that user). */
    void clear(String key);

    /**
     * @param count      failures within the window
     * @param lastMillis epoch ms of the last one
     */
    record Tally(long count, long lastMillis) {
        public static final Tally NONE = new Tally(0, 0);
    }
}
