package io.loomchat.store;

/**
 * A message waiting for its recipient.
 *
 * @param id      the row id: orders messages and is what a delivered message is deleted by
 * @param json    the frame the recipient gets, as JSON text
 */
public record OfflineMessage(long id, String json) {
}
