package io.loomchat.store;

/** What other users see of a user: a friend, or a member of a group. */
public record Contact(int id, String name, boolean online) {
}
