package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RecentMidsTest {

    @Test
    void theOldestMidGoesWhenTheWindowIsFullAndARepeatTakesNoPlace() {
        RecentMids recent = new RecentMids(100);
        LongStream.rangeClosed(1, 100).forEach(recent::add);
        recent.add(50); // already there
        assertTrue(recent.contains(1));
        recent.add(101);
        assertFalse(recent.contains(1), "the oldest is forgotten");
        assertTrue(recent.contains(2));
        assertTrue(recent.contains(101));
        assertEquals(LongStream.rangeClosed(2, 101).boxed().toList(), recent.all());
    }

    @Test
    void anEmptyWindowHoldsNothing() {
        RecentMids recent = new RecentMids(4_096);
        assertFalse(recent.contains(7));
        assertEquals(List.of(), recent.all());
    }
}
