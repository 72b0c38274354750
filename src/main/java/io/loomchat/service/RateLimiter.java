package io.loomchat.service;

/**
 * A token bucket: {@code perSecond} requests a second on average, bursts of up to
 * {@code burst}. One per connection, used only by its reader thread, so it needs no locking.
 */
final class RateLimiter {

    private final double tokensPerNano;
    private final double burst;
    private double tokens;
    private long refilledAt;

    RateLimiter(int perSecond, int burst) {
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = System.nanoTime();
    }

    /** Takes one token; false when the bucket is empty and the request must be refused. */
    boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAt) * tokensPerNano);
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }
}
