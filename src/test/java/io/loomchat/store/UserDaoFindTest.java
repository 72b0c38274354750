package io.loomchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.testing.Backend;
import io.loomchat.testing.OpenDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FIND_USERS' query in its two steps: the shortest lengths first, the rest only when they hold too few. */
class UserDaoFindTest {

    @RegisterExtension
    final OpenDatabase db = new OpenDatabase(Backend.H2);

    private static String named(String start, int length, char fill) {
        return start + String.valueOf(fill).repeat(length - start.length());
    }

    private List<String> found(String prefix, int limit) {
        return db.database().users().withNamePrefix(prefix, 50, limit).stream().map(Contact::name).toList();
    }

    @Test
    void shortestFirstAcrossBothSteps() {
        List<String> expected = new ArrayList<>();
        for (int length = 3; length <= 14; length++) { // one of each length: 12, more than the first step's 10 lengths
            String name = named("Bo", length, 'x');
            db.database().users().create(name, "hash");
            expected.add(name);
        }
        for (char fill = 'a'; fill <= 'j'; fill++) { // ten of length 30, far past the first step
            db.database().users().create(named("bo", 29, 'q') + fill, "hash");
        }
        db.database().users().create("alice", "hash");
        for (char fill = 'a'; fill <= 'h'; fill++) {
            expected.add(named("bo", 29, 'q') + fill);
        }
        assertEquals(expected, found("BO", 20), "12 short ones, then the first 8 of length 30 by name");
        assertEquals(expected.subList(0, 5), found("bo", 5), "a full page from the first step alone");
        assertEquals(List.of(), found("zz", 20));
        assertEquals(List.of(named("bo", 29, 'q') + "c"), found(named("bo", 29, 'q') + "c", 20), "a prefix as long as the name");
    }
}
