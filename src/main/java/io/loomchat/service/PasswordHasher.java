package io.loomchat.service;

import io.loomchat.protocol.Errno;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256, encoded as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}.
 *
 * <p>Hashing is deliberately slow CPU work. It runs on a small pool of platform threads, not
 * on the virtual-thread carriers: a burst of logins then queues here instead of occupying
 * every carrier and stalling message delivery for everybody.
 */
final class PasswordHasher implements AutoCloseable {

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    /** Logins waiting per hashing thread before new ones are told to come back later. */
    private static final int QUEUE_PER_THREAD = 512;

    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    private final ThreadPoolExecutor pool;
    /** Verified against when the user does not exist, so that a wrong id costs as much as a wrong password. */
    private final String decoy;

    PasswordHasher(int iterations, int threads) {
        this.iterations = iterations;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD),
                Thread.ofPlatform().name("loomchat-hash-", 0).daemon(true).factory());
        this.decoy = encode(iterations, new byte[SALT_BYTES], derive("decoy".toCharArray(), new byte[SALT_BYTES], iterations));
    }

    /** A new salted hash of the password, with this hasher's iteration count. */
    String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = onPool(() -> derive(password.toCharArray(), salt, iterations));
        return encode(iterations, salt, hash);
    }

    /**
     * True when the password matches the encoded hash, with the hash's own iteration count. A
     * {@code null} hash (no such user) is checked against a decoy and never matches.
     */
    boolean verify(String password, String encoded) {
        String[] parts = (encoded == null ? decoy : encoded).split("\\$");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            return false;
        }
        int storedIterations;
        byte[] salt;
        byte[] expected;
        try {
            storedIterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            expected = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] actual = onPool(() -> derive(password.toCharArray(), salt, storedIterations));
        return MessageDigest.isEqual(expected, actual) && encoded != null;
    }

    private <T> T onPool(Callable<T> work) {
        Future<T> future;
        try {
            future = pool.submit(work);
        } catch (RejectedExecutionException e) {
            throw new ServiceException(Errno.UNAVAILABLE, "the server is busy logging others in, try again");
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(Errno.UNAVAILABLE, "interrupted while hashing");
        } catch (ExecutionException e) {
            throw new IllegalStateException("password hashing failed", e.getCause());
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        KeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        }
    }

    private static String encode(int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
