package io.loomchat.store;

/**
 * A message waiting for its recipient.
 *
 * @param id      the row id: what a delivered message is deleted by
 * @param mid     the message id: orders messages (it grows with time), and is what a receipt names
 * @param json    the frame the recipient gets, as JSON text
 */
public record OfflineMessage(long id, long mid, String json) {
}
