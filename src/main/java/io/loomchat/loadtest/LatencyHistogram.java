package io.loomchat.loadtest;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Latencies in log-linear buckets (8 per power of two of microseconds, so within ~9% of the
 * true value), recorded lock-free from many threads at once.
 */
final class LatencyHistogram {

    private static final int SUB_BUCKETS = 8;
    private static final int POWERS = 40;

    private final AtomicLongArray buckets = new AtomicLongArray(POWERS * SUB_BUCKETS);
    private final LongAccumulator max = new LongAccumulator(Math::max, 0);

    void recordNanos(long nanos) {
        long micros = Math.max(1, nanos / 1_000);
        buckets.incrementAndGet(bucketOf(micros));
        max.accumulate(micros);
    }

    long count() {
        long count = 0;
        for (int i = 0; i < buckets.length(); i++) {
            count += buckets.get(i);
        }
        return count;
    }

    /** The latency in microseconds below which {@code percentile} percent of the samples fall. */
    long percentileMicros(double percentile) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percentile / 100.0);
        long seen = 0;
        for (int i = 0; i < buckets.length(); i++) {
            seen += buckets.get(i);
            if (seen >= rank) {
                return Math.min(upperBoundOf(i), maxMicros());
            }
        }
        return maxMicros();
    }

    long maxMicros() {
        return max.get();
    }

    private static int bucketOf(long micros) {
        int power = 63 - Long.numberOfLeadingZeros(micros);
        if (power < 3) {
            return (int) micros; // 1..7 µs: one bucket each
        }
        int sub = (int) ((micros >>> (power - 3)) & (SUB_BUCKETS - 1));
        return Math.min(power * SUB_BUCKETS + sub, POWERS * SUB_BUCKETS - 1);
    }

    private static long upperBoundOf(int bucket) {
        int power = bucket / SUB_BUCKETS;
        int sub = bucket % SUB_BUCKETS;
        if (power < 3 && bucket < SUB_BUCKETS) {
            return bucket;
        }
        return ((long) (SUB_BUCKETS + sub + 1) << (power - 3)) - 1;
    }

    String summary() {
        return String.format("p50 %s, p90 %s, p99 %s, max %s", human(percentileMicros(50)),
                human(percentileMicros(90)), human(percentileMicros(99)), human(maxMicros()));
    }

    static String human(long micros) {
        return micros < 1_000 ? micros + " µs" : String.format("%.1f ms", micros / 1_000.0);
    }
}
