package io.loomchat.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a {@link Delivery} travels over Redis pub/sub: one ASCII header line, then the frame.
 *
 * <pre>
 * C {msgid} {mid} {id},{id},...\n{frame}     a chat message
 * N {msgid} 0 {id},...\n{frame}              a notice
 * S 0 0 {id},...\n                           offline messages were stored
 * G {groupId}                                a group changed (on the everyone channel)
 * D {userId}                                 a user's devices changed (on the everyone channel)
 * </pre>
 *
 * The recipients' mailboxes (see {@link Mailbox}) are appended by the forwarding script in Redis, which alone knows which
 * of them a server holds; so a server is sent its own recipients only, once.
 */
final class Envelope {

    private Envelope() {
    }

    /** What goes before the recipients' ids. */
    static byte[] header(Delivery delivery) {
        char kind = switch (delivery.kind()) {
            case CHAT -> 'C';
            case NOTICE -> 'N';
            case STORED -> 'S';
        };
        return (kind + " " + delivery.msgid() + " " + delivery.mid() + " ").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] groupChanged(int groupId) {
        return ("G " + groupId).getBytes(StandardCharsets.US_ASCII);
    }

    /** A delivery and the mailboxes it is for, as read off the channel. */
    record Received(Delivery delivery, List<Mailbox> mailboxes) {
    }

    /** Reads a message of this server's channel; throws IllegalArgumentException when malformed. */
    static Received decode(byte[] message) {
        int newline = indexOf(message, (byte) '\n');
        if (newline < 0) {
            throw new IllegalArgumentException("no header line");
        }
        String[] header = new String(message, 0, newline, StandardCharsets.US_ASCII).split(" ");
        if (header.length != 4) {
            throw new IllegalArgumentException("header of " + header.length + " fields");
        }
        Delivery.Kind kind = switch (header[0]) {
            case "C" -> Delivery.Kind.CHAT;
            case "N" -> Delivery.Kind.NOTICE;
            case "S" -> Delivery.Kind.STORED;
            default -> throw new IllegalArgumentException("unknown kind " + header[0]);
        };
        int msgid = Integer.parseInt(header[1]);
        long mid = Long.parseLong(header[2]);
        List<Mailbox> ids = new ArrayList<>();
        for (String token : header[3].split(",")) {
            ids.add(Mailbox.ofToken(token));
        }
        return new Received(new Delivery(kind, msgid, mid, frameFrom(message, newline + 1)), ids);
    }

    /**
     * A frame as read from Redis, from {@code from} on: its JSON. Servers before 2026-12-07 put
     * frames on channels and in kept copies with their stream terminator; Redis keeps copies
     * across restarts (its append-only file) and a rolling upgrade mixes versions, so a trailing
     * {@code \n} is dropped here, where frames enter from outside this process, and frames stay
     * terminator-free inside it (the transports add their own).
     */
    static byte[] frameFrom(byte[] bytes, int from) {
        int end = bytes.length;
        if (end > from && bytes[end - 1] == '\n') {
            end--;
        }
        return from == 0 && end == bytes.length ? bytes : Arrays.copyOfRange(bytes, from, end);
    }

    static byte[] devicesChanged(int userId) {
        return ("D " + userId).getBytes(StandardCharsets.US_ASCII);
    }

    /** The user id of an everyone-channel message, or -1 when it is not a change of devices. */
    static int devicesOf(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        if (!text.startsWith("D ")) {
            return -1;
        }
        return Integer.parseInt(text.substring(2));
    }

    /** The group id of an everyone-channel message, or -1 when it is not a group change. */
    static int groupOf(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        if (!text.startsWith("G ")) {
            return -1;
        }
        return Integer.parseInt(text.substring(2));
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
