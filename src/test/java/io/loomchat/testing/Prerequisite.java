package io.loomchat.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when something it needs from the machine (a service, a binary) is missing:
 * under {@code CI=true} it fails, because CI is supposed to provide everything and a skipped
 * test there would hide the gap; elsewhere it is skipped, saying why, so that a developer
 * without nginx or Redis can still run the rest. The same rule as {@link TestDatabase}.
 */
final class Prerequisite {

    private Prerequisite() {
    }

    /** Never returns normally: throws the failure under CI, or aborts the test elsewhere. */
    static RuntimeException missing(String why, Throwable cause) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(why, cause);
        }
        Assumptions.abort(why);
        throw new AssertionError("unreachable: Assumptions.abort returned");
    }

    static RuntimeException missing(String why) {
        return missing(why, null);
    }
}
