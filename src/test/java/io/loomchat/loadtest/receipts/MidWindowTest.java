package io.loomchat.loadtest.receipts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MidWindowTest {

    /** Mids as the server makes them: large, and increasing per sender. */
    private static final long FIRST_MID = 81_985_529_216_486_895L;

    @Test
    void aMidSeenBeforeIsARepeatAndAThirdCopyToo() {
        MidWindow window = new MidWindow();

        assertTrue(window.firstTime(FIRST_MID));
        assertTrue(window.firstTime(FIRST_MID + 1));
        assertFalse(window.firstTime(FIRST_MID));
        assertFalse(window.firstTime(FIRST_MID), "a message delivered a third time is dropped as well");
    }

    @Test
    void theLastGenerationOfMidsIsAlwaysRemembered() {
        MidWindow window = new MidWindow();
        int count = 10 * MidWindow.GENERATION;
        for (int i = 0; i < count; i++) {
            assertTrue(window.firstTime(FIRST_MID + i), "mid " + i + " is new");
        }
        for (int i = count - MidWindow.GENERATION; i < count; i++) {
            assertFalse(window.firstTime(FIRST_MID + i), "mid " + i + " came again within the window");
        }
    }

    @Test
    void aRepeatOlderThanTheWindowGetsPastIt() {
        MidWindow window = new MidWindow();
        assertTrue(window.firstTime(FIRST_MID));
        for (int i = 1; i <= 2 * MidWindow.GENERATION; i++) {
            window.firstTime(FIRST_MID + i);
        }

        assertTrue(window.firstTime(FIRST_MID), "bounded: the ledger then counts it as a duplicate shown");
    }
}
