package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.store.Conversation;
import io.loomchat.store.ConversationDao;
import io.loomchat.testing.Await;
import io.loomchat.testing.Backend;
import io.loomchat.testing.OpenDatabase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The batched read-mark writer over a real (embedded) database. */
class ReadMarksTest {

    @RegisterExtension
    final OpenDatabase db = new OpenDatabase(Backend.H2);
    private final List<String> told = new CopyOnWriteArrayList<>();

    private ReadMarks writer() {
        return new ReadMarks(db.database().conversations(), (reader, mark) -> told.add(reader + " read " + mark.upto()));
    }

    private Map<Long, Long> stored(int userId) {
        return db.database().conversations().ofUser(userId);
    }

    @Test
    void marksAreWrittenNeverBackAndOnlyMovesAreTold() {
        long conv = Conversation.between(1, 2);
        try (ReadMarks marks = writer()) {
            marks.mark(1, conv, new ReadMarks.Mark(50, 2, 0, 7));
            Await.until(Duration.ofSeconds(10), "the first mark is written", () -> Long.valueOf(50).equals(stored(1).get(conv)));
            marks.mark(1, conv, new ReadMarks.Mark(30, 2, 0, 7)); // a late READ from a slower device
            marks.mark(1, conv, new ReadMarks.Mark(50, 2, 0, 7)); // a repeat
            marks.mark(1, Conversation.ofGroup(9), new ReadMarks.Mark(5, 0, 9, 7));
            Await.until(Duration.ofSeconds(10), "the group's first mark is written",
                    () -> stored(1).containsKey(Conversation.ofGroup(9)));
        }
        assertEquals(50L, stored(1).get(conv), "never back");
        assertEquals(List.of("1 read 50", "1 read 5"), told, "the late READ and the repeat moved nothing, told nobody");
    }

    @Test
    void readsOfOneConversationWaitingTogetherBecomeOneRowWithTheFurthestMark() {
        long conv = Conversation.between(1, 2);
        try (ReadMarks marks = writer()) {
            for (long upto = 1; upto <= 1_000; upto++) {
                marks.mark(1, conv, new ReadMarks.Mark(upto, 2, 0, 7));
            }
        } // close writes what waits
        assertEquals(1_000L, stored(1).get(conv));
        assertTrue(told.size() < 1_000, "merged while waiting: " + told.size() + " notices");
        assertEquals("1 read 1000", told.get(told.size() - 1));
    }

    @Test
    void conversationsSeeTheMarksNotWrittenYet() throws Exception {
        long conv = Conversation.between(1, 2);
        CountDownLatch telling = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        // The notices of a batch go out before the batch stops counting as being written: held here.
        try (ReadMarks marks = new ReadMarks(db.database().conversations(), (reader, mark) -> {
            telling.countDown();
            try {
                checked.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            marks.mark(1, conv, new ReadMarks.Mark(70, 2, 0, 7)); // being written
            telling.await();
            marks.mark(1, Conversation.between(1, 4), new ReadMarks.Mark(90, 4, 0, 7)); // waiting
            Map<Long, Long> fromDatabase = new HashMap<>(Map.of(conv, 10L, Conversation.between(1, 3), 40L));
            marks.overlay(1, fromDatabase);
            assertEquals(Map.of(conv, 70L, Conversation.between(1, 3), 40L, Conversation.between(1, 4), 90L), fromDatabase);
            Map<Long, Long> another = new HashMap<>();
            marks.overlay(2, another);
            assertEquals(Map.of(), another, "another user's marks are not theirs");
            checked.countDown();
        }
    }
}
