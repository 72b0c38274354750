package io.loomchat.service;

/**
 * How much one user may own, so that nobody can make the server's per-user work (a login ack,
 * a group fan-out) grow without bound. Each limit is answered with errno 6 and a text naming it.
 *
 * @param maxNameChars       longest user name, in characters (the column holds 50)
 * @param maxFriends         friends per user
 * @param maxGroupsPerUser   groups a user may be a member of
 * @param maxGroupMembers    members per group
 */
public record Limits(int maxNameChars, int maxFriends, int maxGroupsPerUser, int maxGroupMembers) {

    /** The {@code User.name} column is VARCHAR(50). */
    public static final int COLUMN_NAME_CHARS = 50;
    public static final int DEFAULT_MAX_NAME_CHARS = COLUMN_NAME_CHARS;
    /** A login ack lists every friend with presence; a few thousand stays a small frame. */
    public static final int DEFAULT_MAX_FRIENDS = 1_000;
    public static final int DEFAULT_MAX_GROUPS_PER_USER = 500;
    /** One group message is one offline row per member not online: 2,000 rows is one batch. */
    public static final int DEFAULT_MAX_GROUP_MEMBERS = 2_000;

    public Limits {
        if (maxNameChars < 1 || maxNameChars > COLUMN_NAME_CHARS) {
            throw new IllegalArgumentException("--max-name-chars must be between 1 and " + COLUMN_NAME_CHARS
                    + ", not " + maxNameChars);
        }
        positive("--max-friends", maxFriends);
        positive("--max-groups-per-user", maxGroupsPerUser);
        positive("--max-group-members", maxGroupMembers);
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_NAME_CHARS, DEFAULT_MAX_FRIENDS, DEFAULT_MAX_GROUPS_PER_USER,
                DEFAULT_MAX_GROUP_MEMBERS);
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be positive, not " + value);
        }
    }
}
