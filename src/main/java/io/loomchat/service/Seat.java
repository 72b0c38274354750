package io.loomchat.service;

/**
 * One session's place among its user's sessions on this server (protocol 2.3).
 *
 * @param device   the device id the session logged in with; null for a session without one (2.2
 *                 and older clients, the legacy dialect), which must be its user's only session
 * @param mailbox  where messages for this session wait while it cannot take them: the user's id
 *                 for a session without a device, minus the device's row id otherwise (see
 *                 {@code Device} in schema.sql). Offline rows, the cluster's kept copies and the
 *                 cluster's directory all address sessions by it.
 */
record Seat(UserSession session, int userId, String device, int mailbox) {

    boolean hasDevice() {
        return device != null;
    }
}
