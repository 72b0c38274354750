package io.loomchat.cluster;

/**
 * A frame that one server hands to the servers of its recipients.
 *
 * @param kind     what the receiving server does with it
 * @param msgid    the frame's message type (6 or 10 for chat, 14 for presence; 0 for {@link Kind#STORED})
 * @param mid      the chat message id, 0 when there is none
 * @param frame    the frame as its recipients get it, terminator included; empty for {@link Kind#STORED}
 */
public record Delivery(Kind kind, int msgid, long mid, byte[] frame) {

    private static final byte[] NONE = new byte[0];

    public enum Kind {
        /** A chat message: deliver to the live session, or store offline if there is none any more. */
        CHAT,
        /** A notice (presence): deliver to the live session, drop it otherwise. */
        NOTICE,
        /** Messages were stored offline for these users: push them if they are logged in here. */
        STORED
    }

    public Delivery {
        if (kind == null || frame == null) {
            throw new NullPointerException("kind and frame are required");
        }
    }

    public static Delivery chat(int msgid, long mid, byte[] frame) {
        return new Delivery(Kind.CHAT, msgid, mid, frame);
    }

    public static Delivery notice(int msgid, byte[] frame) {
        return new Delivery(Kind.NOTICE, msgid, 0, frame);
    }

    public static Delivery stored() {
        return new Delivery(Kind.STORED, 0, 0, NONE);
    }
}
