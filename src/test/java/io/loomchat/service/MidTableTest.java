package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MidTableTest {

    @Test
    void aMessageIsFoundUntilRemovedAndAddedOnlyOnce() {
        MidTable table = new MidTable();
        assertTrue(table.add(42, new byte[] {1}, 7));
        assertFalse(table.add(42, new byte[] {2}, 8), "a mid already here is not added again");
        assertTrue(table.contains(42));
        assertEquals(7, table.rowIdOf(42));
        assertEquals(-1, table.rowIdOf(43));
        table.remove(42);
        assertFalse(table.contains(42));
        assertEquals(0, table.size());
    }

    @Test
    void drainingHandsBackEveryMessageOldestFirstAndEmptiesTheTable() {
        MidTable table = new MidTable();
        for (long mid : new long[] {30, 10, 20}) {
            table.add(mid, new byte[] {(byte) mid}, 0);
        }
        List<Unconfirmed.Message> drained = table.drain();
        assertEquals(List.of(10L, 20L, 30L), drained.stream().map(Unconfirmed.Message::mid).toList());
        assertEquals(20, drained.get(1).frame()[0]);
        assertEquals(0, table.size());
        assertFalse(table.contains(10));
    }

    /** Real mids share most of their bits; thousands of adds and removes in random order, against a HashMap. */
    @Test
    void behavesLikeAMapUnderRandomAddsAndRemovesOfMidsOfOneSecond() {
        MidTable table = new MidTable();
        Map<Long, Long> expected = new HashMap<>();
        Random random = new Random(13);
        List<Long> present = new ArrayList<>();
        long base = (123_456_789L << 22) | (5L << 12);
        for (int step = 0; step < 200_000; step++) {
            if (random.nextInt(3) > 0 || present.isEmpty()) {
                long mid = base + ((long) random.nextInt(1_000) << 22) + random.nextInt(4_096);
                boolean added = table.add(mid, new byte[0], mid % 97);
                assertEquals(!expected.containsKey(mid), added);
                if (added) {
                    expected.put(mid, mid % 97);
                    present.add(mid);
                }
            } else {
                long mid = present.remove(random.nextInt(present.size()));
                table.remove(mid);
                expected.remove(mid);
            }
            if (step % 997 == 0) {
                assertEquals(expected.size(), table.size());
                for (long mid : present) {
                    assertEquals(expected.get(mid), table.rowIdOf(mid), () -> "mid " + mid);
                }
            }
        }
        assertEquals(expected.keySet().stream().sorted().toList(),
                table.drain().stream().map(Unconfirmed.Message::mid).toList());
    }
}
