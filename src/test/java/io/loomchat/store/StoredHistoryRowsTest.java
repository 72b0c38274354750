package io.loomchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Backend;
import io.loomchat.testing.TestDatabase;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The single server's history store, through the DAOs a server uses, on a real embedded database
 * and its store file: pages, a conversation's newest message, unread counts and retention at the
 * edges of conversations, and what survives a restart.
 */
class StoredHistoryRowsTest {

    private static final long ALICE_BOB = Conversation.between(1, 2);
    private static final long ALICE_CAROL = Conversation.between(1, 3);
    private static final long GROUP = Conversation.ofGroup(7);

    @Test
    void pagesStayInsideTheirConversationAndTheirBounds() {
        try (TestDatabase tables = TestDatabase.create(Backend.H2); Database database = Database.open(tables.config())) {
            HistoryDao history = database.history();
            List<HistoryDao.Entry> entries = new ArrayList<>();
            // Three conversations side by side in the key order: a group (negative), then two others.
            for (long mid = 1; mid <= 30; mid++) {
                long conv = mid % 3 == 0 ? GROUP : mid % 3 == 1 ? ALICE_BOB : ALICE_CAROL;
                entries.add(new HistoryDao.Entry(conv, mid, "{\"mid\":" + mid + "}", mid % 2 == 0 ? 1 : 2));
            }
            history.append(entries);
            assertEquals(List.of(28L, 25L, 22L), mids(history.newestBefore(ALICE_BOB, 0, Long.MAX_VALUE, 3)));
            assertEquals(List.of(19L, 16L), mids(history.newestBefore(ALICE_BOB, 13, 22, 50)), "both bounds left out");
            assertEquals(List.of(), mids(history.newestBefore(ALICE_BOB, 28, 29, 50)), "nothing between");
            assertEquals(List.of(), mids(history.newestBefore(ALICE_BOB, 0, 1, 50)), "nothing before the first");
            assertEquals(List.of(30L, 27L), mids(history.newestBefore(GROUP, 0, Long.MAX_VALUE, 2)));
            assertEquals("{\"mid\":29}", history.newestBefore(ALICE_CAROL, 0, Long.MAX_VALUE, 1).get(0).json());
            assertEquals(List.of(), mids(history.newestBefore(Conversation.between(4, 5), 0, Long.MAX_VALUE, 50)));

            ConversationDao conversations = database.conversations();
            assertEquals(Map.of(ALICE_BOB, 28L, ALICE_CAROL, 29L, GROUP, 30L),
                    newest(conversations.newest(List.of(ALICE_BOB, ALICE_CAROL, GROUP, Conversation.between(4, 5)))));
            assertEquals(Map.of(ALICE_BOB, "{\"mid\":28}"),
                    conversations.messages(List.of(new ConversationDao.Newest(ALICE_BOB, 28))));
            // alice (1) sent the even mids: after 16, bob's 19 and 25 are hers to read, her 22 and 28 are not.
            assertEquals(Map.of(ALICE_BOB, 2), conversations.unread(Map.of(ALICE_BOB, 16L), 1, 100));
            assertEquals(Map.of(ALICE_BOB, 1), conversations.unread(Map.of(ALICE_BOB, 16L), 1, 1), "counted up to the cap");
            assertEquals(Map.of(), conversations.unread(Map.of(ALICE_BOB, 28L), 1, 100));
        }
    }

    @Test
    void retentionDeletesTheOldestOfEveryConversationInSteps() {
        try (TestDatabase tables = TestDatabase.create(Backend.H2); Database database = Database.open(tables.config())) {
            HistoryDao history = database.history();
            List<HistoryDao.Entry> entries = new ArrayList<>();
            for (long conv : List.of(GROUP, ALICE_BOB, ALICE_CAROL)) {
                LongStream.rangeClosed(1, 10).forEach(i -> entries.add(new HistoryDao.Entry(conv, conv == GROUP ? i : i * 10, "{}")));
            }
            history.append(entries);
            // Older than 50: the group's ten (1-10) and four of each other conversation (10-40).
            assertEquals(7, history.deleteOlderThan(50, 7));
            assertEquals(7, history.deleteOlderThan(50, 7));
            assertEquals(4, history.deleteOlderThan(50, 7));
            assertEquals(0, history.deleteOlderThan(50, 7));
            assertEquals(12, history.size());
            assertEquals(List.of(50L), mids(history.newestBefore(ALICE_CAROL, 0, 60, 50)));
            history.delete(ALICE_CAROL, 50);
            assertEquals(List.of(), mids(history.newestBefore(ALICE_CAROL, 0, 60, 50)));
        }
    }

    @Test
    void whatWasWrittenIsThereAfterARestartAndAWriteTwiceKeepsTheFirst() throws Exception {
        try (TestDatabase tables = TestDatabase.create(Backend.H2)) {
            try (Database database = Database.open(tables.config())) {
                database.history().append(List.of(new HistoryDao.Entry(ALICE_BOB, 5, "{\"first\":1}", 1)));
                database.history().append(List.of(new HistoryDao.Entry(ALICE_BOB, 5, "{\"second\":1}", 1)));
            }
            assertTrue(Files.size(tables.config().historyStoreFile()) > 0, "the store is a file beside the database");
            try (Database again = Database.open(tables.config())) {
                List<HistoryDao.Entry> page = again.history().newestBefore(ALICE_BOB, 0, Long.MAX_VALUE, 50);
                assertEquals(List.of(new HistoryDao.Entry(ALICE_BOB, 5, "{\"first\":1}", 1)), page);
                assertEquals(Map.of(ALICE_BOB, 0L), again.conversations().ofUser(2),
                        "the conversation's first message listed it for both users");
            }
        }
    }

    /**
     * Two writers (a server has two for its store) whose batches begin the same conversations,
     * in opposite orders: both batches are written, neither times out on the other's locks of
     * UserConversation rows.
     */
    @Test
    void twoWritersBeginningTheSameConversationsAtOnceBothSucceed() throws Exception {
        try (TestDatabase tables = TestDatabase.create(Backend.H2); Database database = Database.open(tables.config());
             var threads = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 5; round++) {
                List<HistoryDao.Entry> forward = new ArrayList<>();
                for (int i = 1; i <= 200; i++) {
                    forward.add(new HistoryDao.Entry(Conversation.between(round * 1_000 + i, round * 1_000 + 500 + i),
                            round * 1_000L + i, "{}"));
                }
                List<HistoryDao.Entry> backward = new ArrayList<>(forward.reversed());
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                var one = threads.submit(() -> {
                    together.await();
                    database.history().append(forward);
                    return null;
                });
                var other = threads.submit(() -> {
                    together.await();
                    database.history().append(backward);
                    return null;
                });
                one.get();
                other.get();
            }
            assertEquals(1_000, database.history().size());
        }
    }

    @Test
    void aServerOfAnEmbeddedH2IsRefusedWithTheReason() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new StoreConfig("jdbc:h2:tcp://localhost/~/chat", "", ""));
        assertTrue(refused.getMessage().contains("local file"), refused.getMessage());
    }

    private static List<Long> mids(List<HistoryDao.Entry> entries) {
        return entries.stream().map(HistoryDao.Entry::mid).toList();
    }

    private static Map<Long, Long> newest(List<ConversationDao.Newest> newest) {
        Map<Long, Long> byConversation = new java.util.HashMap<>();
        newest.forEach(entry -> byConversation.put(entry.conv(), entry.mid()));
        return byConversation;
    }
}
