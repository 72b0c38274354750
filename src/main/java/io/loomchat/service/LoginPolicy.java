package io.loomchat.service;

import java.time.Duration;

/**
 * Resume tokens, the offline backlog at login, and how failed logins slow down a guesser.
 *
 * @param tokenLifetime        how long a resume token logs in without a password
 * @param loginBacklog         offline messages carried in the login ack itself; the rest
 *                             follow as frames of their own (modern dialect)
 * @param userFailureLimit     failed logins for one user id within the window before back-off
 * @param addressFailureLimit  failed logins from one client address within the window before
 *                             back-off (high: NAT and load balancers put many users behind one)
 * @param failureWindow        how long a failure counts
 * @param firstBackoff         the wait after the limit is reached; each further failure doubles it
 * @param maxBackoff           the longest wait: a correct password is never locked out by someone
 *                             else's failures for longer than this at a time
 */
public record LoginPolicy(Duration tokenLifetime, int loginBacklog, int userFailureLimit, int addressFailureLimit,
                          Duration failureWindow, Duration firstBackoff, Duration maxBackoff) {

    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofDays(7);
    public static final int DEFAULT_LOGIN_BACKLOG = 200;
    public static final int DEFAULT_USER_FAILURE_LIMIT = 5;
    public static final int DEFAULT_ADDRESS_FAILURE_LIMIT = 100;
    public static final Duration DEFAULT_FAILURE_WINDOW = Duration.ofMinutes(15);
    public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofSeconds(1);
    /** Long enough that guessing is hopeless (about 2,900 tries a day), short enough for a real user to wait. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    public LoginPolicy {
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("--token-lifetime must be positive, not " + tokenLifetime);
        }
        if (loginBacklog < 0) {
            throw new IllegalArgumentException("--login-backlog must not be negative, not " + loginBacklog);
        }
        if (userFailureLimit < 1 || addressFailureLimit < 1) {
            throw new IllegalArgumentException("--login-failures-per-user and --login-failures-per-address must be positive");
        }
        if (failureWindow.isNegative() || failureWindow.isZero() || firstBackoff.isNegative()
                || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("the failure window must be positive and --login-max-backoff at least "
                    + firstBackoff.toMillis() + " ms");
        }
    }

    public static LoginPolicy defaults() {
        return new LoginPolicy(DEFAULT_TOKEN_LIFETIME, DEFAULT_LOGIN_BACKLOG, DEFAULT_USER_FAILURE_LIMIT,
                DEFAULT_ADDRESS_FAILURE_LIMIT, DEFAULT_FAILURE_WINDOW, DEFAULT_FIRST_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    public LoginPolicy withLoginBacklog(int backlog) {
        return new LoginPolicy(tokenLifetime, backlog, userFailureLimit, addressFailureLimit, failureWindow,
                firstBackoff, maxBackoff);
    }

    public LoginPolicy withFailureLimits(int perUser, int perAddress, Duration first, Duration max) {
        return new LoginPolicy(tokenLifetime, loginBacklog, perUser, perAddress, failureWindow, first, max);
    }

    public LoginPolicy withTokenLifetime(Duration lifetime) {
        return new LoginPolicy(lifetime, loginBacklog, userFailureLimit, addressFailureLimit, failureWindow,
                firstBackoff, maxBackoff);
    }

    /** The wait imposed after {@code failures} failures against a limit of {@code limit}; zero below it. */
    Duration backoff(long failures, int limit) {
        if (failures < limit) {
            return Duration.ZERO;
        }
        long doublings = Math.min(failures - limit, 30);
        long millis = firstBackoff.toMillis() << doublings;
        return millis >= maxBackoff.toMillis() || millis < 0 ? maxBackoff : Duration.ofMillis(millis);
    }
}
