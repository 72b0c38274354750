package io.loomchat.cluster;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/** {@link FailureCounts} in this server's memory, for a single node. */
final class LocalFailureCounts implements FailureCounts {

    /** Past this many keys, expired ones are swept out before a new one is added. */
    private static final int SWEEP_ABOVE = 100_000;

    private record Entry(long count, long lastMillis, long expiresMillis) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public Tally read(String key) {
        Entry entry = entries.get(key);
        if (entry == null || entry.expiresMillis() <= System.currentTimeMillis()) {
            return Tally.NONE;
        }
        return new Tally(entry.count(), entry.lastMillis());
    }

    @Override
    public void add(String key, Duration window) {
        long now = System.currentTimeMillis();
        if (entries.size() > SWEEP_ABOVE) {
            entries.values().removeIf(entry -> entry.expiresMillis() <= now);
        }
        entries.compute(key, (k, old) -> {
            long count = old == null || old.expiresMillis() <= now ? 1 : old.count() + 1;
            return new Entry(count, now, now + window.toMillis());
        });
    }

    @Override
    public void clear(String key) {
        entries.remove(key);
    }
}
