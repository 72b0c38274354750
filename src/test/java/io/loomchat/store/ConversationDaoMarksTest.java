package io.loomchat.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.testing.Backend;
import io.loomchat.testing.TestDatabase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The read-mark writer's batch (ConversationDao.markRead of a list) on both backends: a batch of
 * many marks, as a busy server writes every 100 ms (on MySQL/MariaDB one multi-statement round
 * trip), says for each mark whether it moved, moves none back and creates the rows it lacks.
 */
class ConversationDaoMarksTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBatchMovesEachMarkForwardOnlyAndSaysWhichMoved(Backend backend) {
        try (TestDatabase test = TestDatabase.create(backend); Database database = Database.open(test.config())) {
            ConversationDao conversations = database.conversations();
            List<ConversationDao.MarkTo> first = new ArrayList<>();
            for (int user = 1; user <= 8; user++) {
                first.add(new ConversationDao.MarkTo(user, 100 + user, 50));
            }
            boolean[] all = new boolean[8];
            Arrays.fill(all, true);
            assertArrayEquals(all, conversations.markRead(first), "first marks: every row created");

            List<ConversationDao.MarkTo> second = List.of(
                    new ConversationDao.MarkTo(1, 101, 60),  // forward
                    new ConversationDao.MarkTo(2, 102, 40),  // back: refused
                    new ConversationDao.MarkTo(3, 103, 50),  // the same: not moved
                    new ConversationDao.MarkTo(4, 104, 70),  // forward
                    new ConversationDao.MarkTo(9, 109, 5),   // a user's first mark in a new conversation
                    new ConversationDao.MarkTo(5, 105, 51)); // forward by one
            assertArrayEquals(new boolean[] {true, false, false, true, true, true}, conversations.markRead(second));

            assertEquals(Map.of(101L, 60L), conversations.ofUser(1));
            assertEquals(Map.of(102L, 50L), conversations.ofUser(2), "never back");
            assertEquals(Map.of(103L, 50L), conversations.ofUser(3));
            assertEquals(Map.of(104L, 70L), conversations.ofUser(4));
            assertEquals(Map.of(105L, 51L), conversations.ofUser(5));
            assertEquals(Map.of(109L, 5L), conversations.ofUser(9));
        }
    }
}
