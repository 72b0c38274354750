package io.loomchat.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Resume tokens (protocol 2.1): 256 random bits, sent to the client once, stored only as their
 * SHA-256. A fast hash is right here: unlike a password, a token cannot be guessed, so the slow
 * hash that protects passwords would only make every reconnect cost ~24 ms of CPU again.
 */
final class ResumeTokens {

    /** What the protocol allows a token to be; anything else cannot be one of ours. */
    static final int MIN_CHARS = 16;
    static final int MAX_CHARS = 128;
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResumeTokens() {
    }

    /** A new token: 43 URL-safe characters. */
    static String newToken() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of a token: its SHA-256 in hex. */
    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
