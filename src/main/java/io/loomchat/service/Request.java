package io.loomchat.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;

/**
 * One parsed request frame with typed, validated access to its fields. A missing or mistyped
 * field throws errno 4 naming the field, so handlers read as if every input were good.
 */
final class Request {

    /** Longest string {@code seq} echoed back (PROTOCOL.md, "Common fields"). */
    static final int MAX_SEQ_CHARS = 64;

    private final MessageType type;
    private final JsonNode body;
    private final JsonNode seq;

    private Request(MessageType type, JsonNode body, JsonNode seq) {
        this.type = type;
        this.body = body;
        this.seq = seq;
    }

    /**
     * Checks the envelope: a JSON object with an integer {@code msgid} and, if present, a valid
     * {@code seq}. The type may be {@code null} (unknown msgid) for the dispatcher to refuse.
     *
     * @throws Refusal when the envelope itself is bad
     */
    static Request of(JsonNode root) throws Refusal {
        if (!root.isObject()) {
            throw new Refusal(0, null, "a frame must be a JSON object, not " + root.getNodeType().name().toLowerCase());
        }
        JsonNode msgid = root.get("msgid");
        if (msgid == null || !msgid.isIntegralNumber() || !msgid.canConvertToInt()) {
            throw new Refusal(0, null, "msgid must be an integer message type");
        }
        JsonNode seq = root.get("seq");
        if (seq != null && !(seq.isIntegralNumber() && seq.canConvertToLong())
                && !(seq.isTextual() && seq.textValue().length() <= MAX_SEQ_CHARS)) {
            throw new Refusal(msgid.intValue(), null,
                    "seq must be an integer or a string of at most " + MAX_SEQ_CHARS + " characters");
        }
        return new Request(MessageType.fromCode(msgid.intValue()), root, seq);
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
        return body.get("msgid").intValue();
    }

    /** The client's correlation value, echoed in the reply; {@code null} when absent. */
    JsonNode seq() {
        return seq;
    }

    boolean has(String field) {
        JsonNode node = body.get(field);
        return node != null && !node.isNull();
    }

    int requiredInt(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " is required");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be an integer");
        }
        return node.intValue();
    }

    /** An integer field, or {@code fallback} when absent. */
    int optionalInt(String field, int fallback) {
        return has(field) ? requiredInt(field) : fallback;
    }

    /** A 64-bit integer field (a mid), or {@code fallback} when absent. */
    long optionalLong(String field, long fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be an integer");
        }
        return node.longValue();
    }

    /** The first of several accepted names for one field (an alias like {@code to} for {@code toid}). */
    int requiredInt(String field, String alias) {
        return has(field) || !has(alias) ? requiredInt(field) : requiredInt(alias);
    }

    /** A boolean field, {@code false} when absent. */
    boolean optionalFlag(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be true or false");
        }
        return node.booleanValue();
    }

    /**
     * An array of 1 to {@code maxItems} integers that fit in 64 bits.
     */
    long[] requiredLongs(String field, int maxItems) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " is required");
        }
        if (!node.isArray()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be an array of integers");
        }
        if (node.isEmpty() || node.size() > maxItems) {
            throw new ServiceException(Errno.BAD_REQUEST,
                    field + " must hold 1 to " + maxItems + " integers, not " + node.size());
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode item = node.get(i);
            if (!item.isIntegralNumber() || !item.canConvertToLong()) {
                throw new ServiceException(Errno.BAD_REQUEST, field + " must be an array of integers");
            }
            values[i] = item.longValue();
        }
        return values;
    }

    /** A string of 1 to {@code maxChars} characters (code points). */
    String requiredText(String field, int maxChars) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " is required");
        }
        return text(field, node, 1, maxChars);
    }

    /** A string of 0 to {@code maxChars} characters, or {@code fallback} when absent. */
    String optionalText(String field, int maxChars, String fallback) {
        JsonNode node = body.get(field);
        return node == null || node.isNull() ? fallback : text(field, node, 0, maxChars);
    }

    private static String text(String field, JsonNode node, int minChars, int maxChars) {
        if (!node.isTextual()) {
            throw new ServiceException(Errno.BAD_REQUEST, field + " must be a string");
        }
        String value = node.textValue();
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
