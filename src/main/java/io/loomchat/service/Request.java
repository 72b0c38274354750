package io.loomchat.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;
import java.io.IOException;

/**
 * One parsed request frame with typed, validated access to its fields. A missing or mistyped
 * field throws errno 4 naming the field, so handlers read as if every input were good.
 */
final class Request {

    /** Longest string {@code seq} echoed back (PROTOCOL.md, "Common fields"). */
    static final int MAX_SEQ_CHARS = 64;

    private final MessageType type;
    private final int msgid;
    private final RequestFields body;
    private final JsonNode seq;

    private Request(MessageType type, int msgid, RequestFields body, JsonNode seq) {
        this.type = type;
        this.msgid = msgid;
        this.body = body;
        this.seq = seq;
    }

    /**
     * Reads one frame and checks its envelope: a JSON object with an integer {@code msgid} and,
     * if present, a valid {@code seq}. The type may be {@code null} (unknown msgid) for the
     * dispatcher to refuse. Returns {@code null} for a line of blanks.
     *
     * @throws IOException when the frame is not one valid JSON value in UTF-8
     * @throws Refusal     when it is, but not a request's envelope
     */
    static Request parse(byte[] buffer, int offset, int length) throws IOException, Refusal {
        RequestFields body = RequestFields.read(buffer, offset, length);
        if (body == null) {
            return null;
        }
        if (body.notAnObject() != null) {
            throw new Refusal(0, null, "a frame must be a JSON object, not " + body.notAnObject());
        }
        if (!(body.get("msgid") instanceof Long msgid) || msgid != msgid.intValue()) {
            throw new Refusal(0, null, "msgid must be an integer message type");
        }
        Object seqValue = body.get("seq");
        JsonNode seq = null;
        if (seqValue instanceof Long number) {
            seq = LongNode.valueOf(number);
        } else if (seqValue instanceof String text && text.length() <= MAX_SEQ_CHARS) {
            seq = TextNode.valueOf(text);
        } else if (seqValue != null) {
            throw new Refusal(msgid.intValue(), null,
                    "seq must be an integer or a string of at most " + MAX_SEQ_CHARS + " characters");
        }
        return new Request(MessageType.fromCode(msgid.intValue()), msgid.intValue(), body, seq);
    }

    /** A bad envelope: answered with {@code ack} set to {@code msgid} (0 when unknown). */
    static final class Refusal extends Exception {
        final int msgid;
        final JsonNode seq;

        Refusal(int msgid, JsonNode seq, String message) {
            super(message, null, false, false);
            this.msgid = msgid;
            this.seq = seq;
        }
    }

    MessageType type() {
        return type;
    }

    int msgid() {
        return msgid;
    }

    /** The client's correlation value, echoed in the reply; {@code null} when absent. */
    JsonNode seq() {
        return seq;
    }

    boolean has(String field) {
        return body.get(field) != null;
    }

    int requiredInt(String field) {
        Object value = body.get(field);
        if (value == null) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " is required");
        }
        if (!(value instanceof Long number) || number != number.intValue()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be an integer");
        }
        return number.intValue();
    }

    /** An integer field, or {@code fallback} when absent. */
    int optionalInt(String field, int fallback) {
        return has(field) ? requiredInt(field) : fallback;
    }

    /** A 64-bit integer field (a mid), or {@code fallback} when absent. */
    long optionalLong(String field, long fallback) {
        Object value = body.get(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long number)) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be an integer");
        }
        return number;
    }

    /** The first of several accepted names for one field (an alias like {@code to} for {@code toid}). */
    int requiredInt(String field, String alias) {
        return has(field) || !has(alias) ? requiredInt(field) : requiredInt(alias);
    }

    /** A boolean field, {@code false} when absent. */
    boolean optionalFlag(String field) {
        Object value = body.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean flag)) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be true or false");
        }
        return flag;
    }

    /**
     * An array of 1 to {@code maxItems} integers that fit in 64 bits.
     */
    long[] requiredLongs(String field, int maxItems) {
        Object value = body.get(field);
        if (value == null) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " is required");
        }
        int size;
        if (value instanceof long[] items) {
            size = items.length;
        } else if (value instanceof RequestFields.OtherArray other) {
            size = other.size();
        } else {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be an array of integers");
        }
        if (size == 0 || size > maxItems) {
            throw new ServiceException(Errno.BAD_REQUEST,
                    field + " must hold 1 to " + maxItems + " integers, not " + size);
        }
        if (!(value instanceof long[] items)) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be an array of integers");
        }
        return items.clone(); // the caller may keep or change it; the request stays as read
    }

    /** A string of 1 to {@code maxChars} characters (code points). */
    String requiredText(String field, int maxChars) {
        Object value = body.get(field);
        if (value == null) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " is required");
        }
        return text(field, value, 1, maxChars);
    }

    /** A string of 0 to {@code maxChars} characters, or {@code fallback} when absent. */
    String optionalText(String field, int maxChars, String fallback) {
        Object value = body.get(field);
        return value == null ? fallback : text(field, value, 0, maxChars);
    }

    private static String text(String field, Object node, int minChars, int maxChars) {
        if (!(node instanceof String value)) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be a string");
        }
        int chars = value.codePointCount(0, value.length());
        if (chars < minChars) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must not be empty");
        }
        if (chars > maxChars) {
            throw new ServiceException(Errno.BAD_REQUEST,
                    field + " is too long: " + chars + " characters, at most " + maxChars);
        }
        return value;
    }
}
