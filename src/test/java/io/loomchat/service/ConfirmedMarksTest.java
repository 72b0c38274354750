package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.store.OfflineMessage;
import io.loomchat.store.OfflineMessageDao;
import io.loomchat.testing.Backend;
import io.loomchat.testing.OpenDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Confirmations made while Redis was in trouble are marked in the offline store (issue 25): a
 * copy stored before the mark is gone, one a sender in doubt stores after it is turned away, and
 * the marks themselves go after an hour. On both backends.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ConfirmedMarksTest {

    private static final int MAILBOX = 7;
    private static final String FRAME = "{\"msgid\":6,\"mid\":%d}";

    @RegisterExtension
    final OpenDatabase db;

    ConfirmedMarksTest(Backend backend) {
        this.db = new OpenDatabase(backend);
    }

    private OfflineMessageDao store() {
        return db.database().offlineMessages();
    }

    private List<Long> waiting() {
        return store().pendingFor(MAILBOX).stream().map(OfflineMessage::mid).toList();
    }

    @Test
    void aConfirmedMessageNeverComesBackFromTheStoreWhenItsCopyArrivesBeforeOrAfterTheMark() {
        store().store(MAILBOX, 1, FRAME.formatted(1)); // stored before the confirmation
        store().store(MAILBOX, 3, FRAME.formatted(3)); // never confirmed
        store().markConfirmed(MAILBOX, List.of(1L, 2L));
        store().store(MAILBOX, 2, FRAME.formatted(2)); // a sender in doubt, after the confirmation

        assertEquals(List.of(3L), waiting(), "only the unconfirmed message waits");
        assertEquals(1, store().countFor(MAILBOX, 0), "and only it is counted at login");
        assertEquals(List.of(3L), store().pendingFor(MAILBOX, 0, 10).stream().map(OfflineMessage::mid).toList());
        assertEquals(List.of(MAILBOX), store().usersWithMessages(List.of(MAILBOX, 8)));

        store().delete(MAILBOX, store().pendingFor(MAILBOX).stream().map(OfflineMessage::id).toList());
        assertEquals(List.of(), store().usersWithMessages(List.of(MAILBOX)), "marks are not messages waiting");
    }

    @Test
    void marksGoAfterAnHourAndTheMessagesWaitingStay() {
        store().markConfirmed(MAILBOX, List.of(1L));
        store().store(MAILBOX, 3, FRAME.formatted(3));
        long now = System.currentTimeMillis();

        assertEquals(0, new ConfirmedMarks(store(), () -> now).sweep(), "a fresh mark stays");
        assertEquals(1, new ConfirmedMarks(store(), () -> now + ConfirmedMarks.KEPT.toMillis() + 60_000).sweep());
        store().store(MAILBOX, 1, FRAME.formatted(1)); // long after: nothing turns it away any more
        assertEquals(List.of(1L, 3L), waiting());
    }

    @Test
    void aMailboxMovedToADeviceKeepsItsMarks() {
        store().markConfirmed(MAILBOX, List.of(1L));
        store().move(MAILBOX, MAILBOX + 1);
        store().store(MAILBOX + 1, 1, FRAME.formatted(1));
        assertEquals(List.of(), store().pendingFor(MAILBOX + 1).stream().map(OfflineMessage::mid).toList());
    }
}
