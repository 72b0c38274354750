package io.loomchat.loadtest;

/**
 * One second of a run: rates over that second, gauges at its end. {@code second} is the epoch
 * second, so that the series of worker processes line up when merged.
 *
 * @param p99Micros delivery p99 of that second (merged runs: the largest of the workers' p99s)
 */
record Sample(long second, long connected, long sentPerSecond, long deliveredPerSecond, long loginsPerSecond,
              long errors, long drops, long p50Micros, long p99Micros) {

    Sample plus(Sample other) {
        return new Sample(second, connected + other.connected, sentPerSecond + other.sentPerSecond,
                deliveredPerSecond + other.deliveredPerSecond, loginsPerSecond + other.loginsPerSecond,
                errors + other.errors, drops + other.drops, Math.max(p50Micros, other.p50Micros),
                Math.max(p99Micros, other.p99Micros));
    }
}
