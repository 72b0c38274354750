package io.loomchat.store;

import java.util.List;

/** A group with its members, as the login ack and the join ack show it. */
public record Group(int id, String name, String description, List<Member> members) {

    public static final String CREATOR = "creator";
    public static final String NORMAL = "normal";

    /** A member and its role in the group ({@link #CREATOR} or {@link #NORMAL}). */
    public record Member(int id, String name, boolean online, String role) {
    }
}
