package io.loomchat.store;

/** A row of {@code User}. {@code passwordHash} is the encoded PBKDF2 hash, never a password. */
public record User(int id, String name, String passwordHash, boolean online) {
}
