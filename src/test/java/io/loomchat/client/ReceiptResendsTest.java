package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The rules of {@link ReceiptResends}, on a clock the test moves. */
class ReceiptResendsTest {

    private static final long START = 1_000_000_000L;

    private final ReceiptResends resends = new ReceiptResends();

    @Test
    void aRefusedReceiptsMidsGoAgainAfterOneSecondAndNotBefore() {
        String seq = resends.sending(fresh(7L, 8L));
        assertTrue(resends.refused(seq, START));

        assertTrue(resends.due(START + millis(999)).isEmpty());
        ReceiptResends.Batch again = resends.due(START + millis(1_000));
        assertEquals(List.of(7L, 8L), again.mids());
        assertEquals(1, again.refusals());
        assertTrue(resends.due(START + millis(60_000)).isEmpty(), "taken once");
    }

    @Test
    void eachRefusalOfTheSameMidsDoublesThePauseUpToEightSeconds() {
        long now = START;
        ReceiptResends.Batch batch = fresh(7L);
        for (long expected : new long[] {1_000, 2_000, 4_000, 8_000, 8_000, 8_000}) {
            assertTrue(resends.refused(resends.sending(batch), now));
            assertTrue(resends.due(now + millis(expected - 1)).isEmpty(), "not before " + expected + " ms");
            now += millis(expected);
            batch = resends.due(now);
            assertEquals(List.of(7L), batch.mids(), "after " + expected + " ms");
        }
    }

    @Test
    void refusalsDuringThePauseJoinTheMidsWaitingAndGoWithThem() {
        String first = resends.sending(fresh(1L, 2L));
        String second = resends.sending(fresh(2L, 3L));
        resends.refused(first, START);
        resends.refused(second, START + millis(600));

        assertTrue(resends.due(START + millis(999)).isEmpty());
        assertEquals(List.of(1L, 2L, 3L), resends.due(START + millis(1_000)).mids());
    }

    @Test
    void aReceiptNotRefusedIsNeverSentAgain() {
        String taken = resends.sending(fresh(1L));
        String refused = resends.sending(fresh(2L));
        resends.refused(refused, START);

        assertEquals(List.of(2L), resends.due(START + millis(1_000)).mids());
        assertFalse(resends.remembered().isEmpty(), "remembered in case a refusal comes late");
        assertTrue(resends.remembered().containsKey(taken));
    }

    @Test
    void aRefusalOfAnUnknownOrForgottenReceiptAsksForNothing() {
        String seq = resends.sending(fresh(1L));
        resends.clear(); // the session ended: the server delivers these again at the next login
        assertFalse(resends.refused(seq, START));
        assertFalse(resends.refused(ReceiptResends.SEQ_PREFIX + "999", START));

        String answered = resends.sending(fresh(2L));
        resends.forget(answered); // refused for another reason, shown to the user
        assertFalse(resends.refused(answered, START));
        assertTrue(resends.takeRefused().isEmpty());
    }

    @Test
    void seqsAreNeverReusedNotEvenAcrossSessions() {
        String first = resends.sending(fresh(1L));
        resends.clear();
        assertNotEquals(first, resends.sending(fresh(1L)));
    }

    @Test
    void theOldestReceiptsAreForgottenBeyondTwentyThousandMids() {
        String oldest = resends.sending(batchOf(0, 1_000));
        for (int n = 1; n < 20; n++) {
            resends.sending(batchOf(n * 1_000, 1_000));
        }
        assertTrue(resends.remembered().containsKey(oldest), "20,000 mids fit");
        resends.sending(fresh(99_999L));
        assertFalse(resends.remembered().containsKey(oldest));
        assertEquals(20, resends.remembered().size());
    }

    @Test
    void beforeTheSessionEndsEveryRefusedMidIsTakenWhateverItsPause() {
        resends.refused(resends.sending(fresh(5L)), START);
        assertEquals(List.of(5L), resends.takeRefused().mids());
        assertTrue(resends.due(START + millis(60_000)).isEmpty());
    }

    @Test
    void onlyTextSeqsWithTheReceiptPrefixAnswerAReceipt() {
        assertTrue(ReceiptResends.answersAReceipt(Json.object().put("msgid", 11).put("seq", "receipt-3")));
        assertFalse(ReceiptResends.answersAReceipt(Json.object().put("msgid", 11).put("seq", 3)));
        assertFalse(ReceiptResends.answersAReceipt(Json.object().put("msgid", 11).put("seq", "3")));
        assertFalse(ReceiptResends.answersAReceipt(Json.object().put("msgid", 11)));
    }

    private static ReceiptResends.Batch fresh(Long... mids) {
        return new ReceiptResends.Batch(List.of(mids), 0);
    }

    private static ReceiptResends.Batch batchOf(long first, int count) {
        return new ReceiptResends.Batch(LongStream.range(first, first + count).boxed().toList(), 0);
    }

    private static long millis(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }
}
