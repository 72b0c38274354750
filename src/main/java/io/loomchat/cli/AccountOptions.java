package io.loomchat.cli;

import io.loomchat.service.DevicePolicy;
import io.loomchat.service.Limits;
import io.loomchat.service.LoginPolicy;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The server's options on what users may own and how logins are guarded. */
final class AccountOptions {

    @Option(names = "--max-name-chars", defaultValue = "${env:LOOMCHAT_MAX_NAME_CHARS:-" + Limits.DEFAULT_MAX_NAME_CHARS + "}",
            description = "Longest user name (env LOOMCHAT_MAX_NAME_CHARS, default ${DEFAULT-VALUE}, at most 50).")
    int maxNameChars;

    @Option(names = "--max-friends", defaultValue = "${env:LOOMCHAT_MAX_FRIENDS:-" + Limits.DEFAULT_MAX_FRIENDS + "}",
            description = "Friends per user (env LOOMCHAT_MAX_FRIENDS, default ${DEFAULT-VALUE}).")
    int maxFriends;

    @Option(names = "--max-groups-per-user",
            defaultValue = "${env:LOOMCHAT_MAX_GROUPS_PER_USER:-" + Limits.DEFAULT_MAX_GROUPS_PER_USER + "}",
            description = "Groups a user may belong to (env LOOMCHAT_MAX_GROUPS_PER_USER, default ${DEFAULT-VALUE}).")
    int maxGroupsPerUser;

    @Option(names = "--max-group-members",
            defaultValue = "${env:LOOMCHAT_MAX_GROUP_MEMBERS:-" + Limits.DEFAULT_MAX_GROUP_MEMBERS + "}",
            description = "Members per group (env LOOMCHAT_MAX_GROUP_MEMBERS, default ${DEFAULT-VALUE}).")
    int maxGroupMembers;

    @Option(names = "--token-lifetime", converter = DurationConverter.class,
            defaultValue = "${env:LOOMCHAT_TOKEN_LIFETIME:-7d}",
            description = "How long a resume token logs in without the password (env LOOMCHAT_TOKEN_LIFETIME, "
                    + "default ${DEFAULT-VALUE}).")
    Duration tokenLifetime;

    @Option(names = "--login-backlog",
            defaultValue = "${env:LOOMCHAT_LOGIN_BACKLOG:-" + LoginPolicy.DEFAULT_LOGIN_BACKLOG + "}",
            description = "Offline messages carried in the login ack; the rest follow as frames of their own "
                    + "(env LOOMCHAT_LOGIN_BACKLOG, default ${DEFAULT-VALUE}).")
    int loginBacklog;

    @Option(names = "--login-failures-per-user",
            defaultValue = "${env:LOOMCHAT_LOGIN_FAILURES_PER_USER:-" + LoginPolicy.DEFAULT_USER_FAILURE_LIMIT + "}",
            description = "Failed logins for one user id within 15 minutes before logins of that id back off "
                    + "(env LOOMCHAT_LOGIN_FAILURES_PER_USER, default ${DEFAULT-VALUE}).")
    int failuresPerUser;

    @Option(names = "--login-failures-per-address",
            defaultValue = "${env:LOOMCHAT_LOGIN_FAILURES_PER_ADDRESS:-" + LoginPolicy.DEFAULT_ADDRESS_FAILURE_LIMIT + "}",
            description = "Failed logins from one client address within 15 minutes before logins from it back off "
                    + "(env LOOMCHAT_LOGIN_FAILURES_PER_ADDRESS, default ${DEFAULT-VALUE}).")
    int failuresPerAddress;

    @Option(names = "--login-max-backoff", converter = DurationConverter.class,
            defaultValue = "${env:LOOMCHAT_LOGIN_MAX_BACKOFF:-30s}",
            description = "Longest wait imposed after failed logins; the wait starts at 1s and doubles with each "
                    + "failure (env LOOMCHAT_LOGIN_MAX_BACKOFF, default ${DEFAULT-VALUE}).")
    Duration maxBackoff;

    @Option(names = "--max-devices",
            defaultValue = "${env:LOOMCHAT_MAX_DEVICES:-" + DevicePolicy.DEFAULT_MAX_DEVICES + "}",
            description = "Device sessions one user may have live at once in the cluster (protocol 2.3; "
                    + "env LOOMCHAT_MAX_DEVICES, default ${DEFAULT-VALUE}).")
    int maxDevices;

    @Option(names = "--device-expiry", converter = DurationConverter.class,
            defaultValue = "${env:LOOMCHAT_DEVICE_EXPIRY:-30d}",
            description = "A device that has not logged in for this long is forgotten, with the messages kept for it "
                    + "(env LOOMCHAT_DEVICE_EXPIRY, default ${DEFAULT-VALUE}).")
    Duration deviceExpiry;

    DevicePolicy devicePolicy() {
        return new DevicePolicy(maxDevices, deviceExpiry);
    }

    Limits limits() {
        return new Limits(maxNameChars, maxFriends, maxGroupsPerUser, maxGroupMembers);
    }

    LoginPolicy loginPolicy() {
        LoginPolicy defaults = LoginPolicy.defaults();
        return new LoginPolicy(tokenLifetime, loginBacklog, failuresPerUser, failuresPerAddress,
                defaults.failureWindow(), defaults.firstBackoff(), maxBackoff);
    }
}
