package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void aHashKeepsItsIterationCountSoRaisingTheDefaultLocksNobodyOut() {
        String hash;
        try (PasswordHasher old = new PasswordHasher(1_000, 1)) {
            hash = old.hash("correct horse");
        }
        try (PasswordHasher raised = new PasswordHasher(5_000, 1)) {
            assertTrue(hash.startsWith("pbkdf2-sha256$1000$"), hash);
            assertTrue(raised.verify("correct horse", hash));
            assertFalse(raised.verify("correct horse!", hash));
            assertTrue(raised.hash("x").startsWith("pbkdf2-sha256$5000$"));
        }
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        try (PasswordHasher hasher = new PasswordHasher(1_000, 1)) {
            assertNotEquals(hasher.hash("same"), hasher.hash("same"));
        }
    }

    @Test
    void malformedOrMissingHashesNeverMatch() {
        try (PasswordHasher hasher = new PasswordHasher(1_000, 1)) {
            assertFalse(hasher.verify("pw", null), "no such user");
            assertFalse(hasher.verify("pw", "plaintext-from-an-old-table"));
            assertFalse(hasher.verify("pw", "pbkdf2-sha256$x$AAAA$AAAA"));
            assertFalse(hasher.verify("pw", "pbkdf2-sha256$1000$!!!$AAAA"));
            assertFalse(hasher.verify("pw", "md5$1000$AAAA$AAAA"));
        }
    }
}
