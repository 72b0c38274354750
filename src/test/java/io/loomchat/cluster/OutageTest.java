package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When a failed Redis command starts an outage: a connection opened before Redis was last seen
 * coming back failing at its next use is the restart's doing, not a new outage
 * (RedisOutageEndToEndTest shows what that cost: forwards stored offline while Redis answered).
 */
class OutageTest {

    private final AtomicInteger backs = new AtomicInteger();
    private final Outage outage = new Outage("redis://127.0.0.1:1", backs::incrementAndGet);
    private final RuntimeException broken = new RuntimeException("Unexpected end of stream.");

    @Test
    void beforeAnyOutageEndedEveryFailureCounts() {
        assertTrue(outage.failed(broken, System.nanoTime() - 1_000_000_000L));
        assertTrue(outage.isDown());
    }

    @Test
    void aConnectionFromBeforeRedisCameBackFailsWithoutANewOutage() {
        long openedBefore = System.nanoTime();
        outage.failed(broken);
        outage.succeeded();
        assertEquals(1, backs.get());
        assertFalse(outage.failed(broken, openedBefore), "the restart broke that connection");
        assertFalse(outage.isDown());
        assertTrue(outage.shouldTry(), "forwards still go to Redis");
    }

    @Test
    void aConnectionOpenedSinceThatFailsStartsOne() {
        outage.failed(broken);
        outage.succeeded();
        long openedAfter = System.nanoTime();
        assertTrue(outage.failed(broken, openedAfter));
        assertTrue(outage.isDown());
        outage.succeeded();
        assertEquals(2, backs.get());
    }
}
