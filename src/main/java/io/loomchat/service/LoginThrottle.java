package io.loomchat.service;

import io.loomchat.cluster.FailureCounts;
import io.loomchat.protocol.Errno;
import java.time.Duration;

/**
 * Slows down password guessing: after too many failed logins for one user id, or from one client
 * address, further attempts must wait, twice as long after each failure, up to a short maximum.
 * The check comes before the password is hashed, so a guesser does not even cost CPU. Failures
 * are counted across the cluster ({@link FailureCounts}); a successful login clears its user's.
 */
final class LoginThrottle {

    private final LoginPolicy policy;
    private final FailureCounts failures;

    LoginThrottle(LoginPolicy policy, FailureCounts failures) {
        this.policy = policy;
        this.failures = failures;
    }

    /** Throws errno 8, with the time to wait, when logins of this user or from this address must wait. */
    void check(int userId, String address) {
        long now = System.currentTimeMillis();
        long userWait = waitFor(userKey(userId), policy.userFailureLimit(), now);
        long addressWait = waitFor(addressKey(address), policy.addressFailureLimit(), now);
        long wait = Math.max(userWait, addressWait);
        if (wait > 0) {
            String who = userWait >= addressWait ? "this account" : "this address";
            throw new ServiceException(Errno.RATE_LIMITED, "too many failed logins for " + who + ", try again in "
                    + Math.max(1, (wait + 999) / 1000) + " s", wait);
        }
    }

    void failed(int userId, String address) {
        failures.add(userKey(userId), policy.failureWindow());
        failures.add(addressKey(address), policy.failureWindow());
    }

    void succeeded(int userId) {
        failures.clear(userKey(userId));
    }

    private long waitFor(String key, int limit, long now) {
        FailureCounts.Tally tally = failures.read(key);
        Duration backoff = policy.backoff(tally.count(), limit);
        return backoff.isZero() ? 0 : tally.lastMillis() + backoff.toMillis() - now;
    }

    private static String userKey(int userId) {
        return "user:" + userId;
    }

    private static String addressKey(String address) {
        return "addr:" + address;
    }
}
