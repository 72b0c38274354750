package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import io.loomchat.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DELIVERED (protocol 2.3): when a device confirms one-to-one messages it received, their senders'
 * live 2.3 sessions hear of it, one frame per sender and RECEIPT. Carbons (the user's own
 * messages, confirmed by another of their devices) and group messages are left out. Live only:
 * a sender offline now learns nothing later, as the contract says.
 */
final class DeliveredNotices {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveredNotices.class);

    private DeliveredNotices() {
    }

    /**
     * Called with what a RECEIPT confirmed, before the offline rows among it are deleted (their
     * frames are read from the store: the session keeps no text of those).
     */
    static void afterReceipt(Services services, UserSession session, Unconfirmed.Confirmed confirmed) {
        int recipient = session.userId();
        Map<Integer, List<Long>> bySender = new LinkedHashMap<>();
        for (byte[] frame : confirmed.liveFrames()) {
            if (isOneToOne(frame)) {
                received(parse(frame), recipient, bySender);
            }
        }
        if (!confirmed.rowIds().isEmpty()) {
            try {
                for (String stored : services.db().offlineMessages().messages(session.mailbox(), confirmed.rowIds())) {
                    received(parse(stored.getBytes(StandardCharsets.UTF_8)), recipient, bySender);
                }
            } catch (StoreException e) {
                // The receipt itself fails next, on the same database; the notice is only a nicety.
                LOG.debug("user {}: senders of confirmed offline messages unknown: {}", recipient, e.getMessage());
            }
        }
        bySender.forEach((sender, mids) -> services.router().notify(MessageType.DELIVERED,
                () -> frame(recipient, mids), List.of(sender)));
    }

    /**
     * The server builds chat frames with msgid first ({@link Frames}): a group message is told
     * apart without parsing it.
     */
    private static final byte[] ONE_CHAT_START = ("{\"msgid\":" + MessageType.ONE_CHAT.code() + ",")
            .getBytes(StandardCharsets.US_ASCII);

    private static boolean isOneToOne(byte[] frame) {
        return Arrays.equals(frame, 0, Math.min(frame.length, ONE_CHAT_START.length), ONE_CHAT_START, 0,
                ONE_CHAT_START.length);
    }

    /** Adds a one-to-one message to {@code recipient} from someone else to its sender's list. */
    private static void received(RequestFields frame, int recipient, Map<Integer, List<Long>> bySender) {
        if (frame == null || number(frame, "msgid") != MessageType.ONE_CHAT.code() || number(frame, "toid") != recipient) {
            return;
        }
        long sender = number(frame, "id");
        if (sender != recipient && sender > 0 && sender <= Integer.MAX_VALUE) {
            bySender.computeIfAbsent((int) sender, id -> new ArrayList<>()).add(number(frame, "mid"));
        }
    }

    private static long number(RequestFields frame, String field) {
        return frame.get(field) instanceof Long value ? value : 0;
    }

    /** The frame's top-level fields: read as a request is, without a tree (one per confirmed message). */
    private static RequestFields parse(byte[] frame) {
        try {
            return RequestFields.read(frame, 0, frame.length);
        } catch (IOException e) {
            return null; // the server built it; it cannot be malformed, and a notice is not worth a failure
        }
    }

    static ObjectNode frame(int recipient, List<Long> mids) {
        ObjectNode frame = Json.object();
        frame.put("msgid", MessageType.DELIVERED.code());
        frame.put("with", recipient);
        ArrayNode array = frame.putArray("mids");
        mids.forEach(array::add);
        return frame;
    }
}
