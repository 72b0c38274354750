package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeenMessagesTest {

    @Test
    void aMidIsNewTheFirstTimeAndARepeatEveryTimeAfter() {
        SeenMessages seen = new SeenMessages(10);
        assertTrue(seen.firstSight(81_985_529_216_486_895L));
        assertFalse(seen.firstSight(81_985_529_216_486_895L));
        assertFalse(seen.firstSight(81_985_529_216_486_895L));
        assertTrue(seen.firstSight(81_985_529_216_486_896L));
    }

    @Test
    void theWindowForgetsTheOldestMidsBeyondItsCapacity() {
        SeenMessages seen = new SeenMessages(3);
        for (long mid = 1; mid <= 4; mid++) {
            assertTrue(seen.firstSight(mid));
        }
        assertTrue(seen.firstSight(1), "mid 1 was pushed out by 2, 3 and 4");
        assertFalse(seen.firstSight(4));
    }

    @Test
    void aRepeatCountsAsSeenAgainSoItOutlivesOlderMids() {
        SeenMessages seen = new SeenMessages(3);
        seen.firstSight(1);
        seen.firstSight(2);
        seen.firstSight(3);
        assertFalse(seen.firstSight(1));
        seen.firstSight(4); // pushes out 2, now the oldest
        assertFalse(seen.firstSight(1));
        assertTrue(seen.firstSight(2));
    }
}
