package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void idsAreUniqueAcrossThreadsAndIncreaseForEachCaller() throws InterruptedException {
        MessageIds ids = new MessageIds(5);
        Set<Long> all = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        int perThread = 200_000;
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                long previous = 0;
                for (int i = 0; i < perThread; i++) {
                    long id = ids.next();
                    assertTrue(id > previous, "ids increase for each sender");
                    previous = id;
                    all.add(id);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(4 * perThread, all.size(), "no id was handed out twice");
    }

    @Test
    void theNodeIdIsPartOfEveryIdSoNodesNeverCollide() {
        Set<Long> seen = new HashSet<>();
        for (int node : new int[] {0, 1, MessageIds.MAX_NODE_ID}) {
            MessageIds ids = new MessageIds(node);
            for (int i = 0; i < 10_000; i++) {
                long id = ids.next();
                assertEquals(node, (id >>> 12) & MessageIds.MAX_NODE_ID);
                assertTrue(seen.add(id));
            }
        }
    }
}
