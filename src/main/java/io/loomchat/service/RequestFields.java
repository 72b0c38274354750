package io.loomchat.service;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.loomchat.protocol.Json;
import java.io.IOException;
import java.util.Arrays;

/**
 * The top-level fields of one frame, read with Jackson's streaming parser rather than into a tree.
 * Every request the protocol defines is a flat object of numbers, strings, booleans and arrays of
 * integers, and a handler reads a few of them once; building a {@code JsonNode} tree for that
 * (an {@code ObjectNode}, its {@code LinkedHashMap} and a node per value) took 5% of a busy
 * server's CPU (perf, loadtest/results/2026-12-07-request-parsing.md). {@link DeliveredNotices}
 * reads the chat frames a RECEIPT confirms the same way.
 *
 * <p>A value is kept as what a handler may ask of it: a {@code Long} for an integer of 64 bits,
 * a {@code String}, a {@code Boolean}, a {@code long[]} for an array of such integers, or a
 * {@link Shape} for anything else (a fraction, a bigger integer, an object, any other array),
 * which {@link Request} refuses with the field's name. {@code null} counts as absent. The
 * checks of a tree parse are kept: strict UTF-8 and JSON, one object and nothing after it, no
 * field twice.
 */
final class RequestFields {

    /** A value no handler takes, kept only to name it in the refusal. */
    enum Shape { FRACTION, BIG_INTEGER, OBJECT }

    /** An array that is not all 64-bit integers, with its length (which is checked first). */
    record OtherArray(int size) {
    }

    private static final Object NULL = new Object();
    /** Fields a request of the protocol has at most is about six; more grow the arrays. */
    private static final int FIRST_CAPACITY = 8;

    private String[] names = new String[FIRST_CAPACITY];
    private Object[] values = new Object[FIRST_CAPACITY];
    private int count;
    private String notAnObject;

    private RequestFields() {
    }

    /**
     * Reads one frame. Returns {@code null} for a frame of blanks only. A frame that is valid JSON
     * but not an object reads as no fields, with {@link #notAnObject} naming its JSON type.
     *
     * @throws IOException (a {@link com.fasterxml.jackson.core.JsonProcessingException} naming
     *                     the problem) when it is not valid JSON in UTF-8, or more than one value
     */
    static RequestFields read(byte[] buffer, int offset, int length) throws IOException {
        try (JsonParser parser = Json.MAPPER.createParser(buffer, offset, length)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            RequestFields fields = new RequestFields();
            if (first == JsonToken.START_OBJECT) {
                fields.readObject(parser);
            } else {
                fields.notAnObject = typeName(first);
                parser.skipChildren();
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new JsonParseException(parser, "Trailing token (of type " + trailing + ") found after the value");
            }
            return fields;
        }
    }

    /** The JSON type of a frame that is not an object ("array", "string", ...); {@code null} for an object. */
    String notAnObject() {
        return notAnObject;
    }

    private void readObject(JsonParser parser) throws IOException {
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            // The name is canonicalized by the parser (no copy); its value follows.
            String name = parser.currentName();
            if (indexOf(name) >= 0) {
                throw new JsonParseException(parser, "Duplicate field '" + name + "'");
            }
            add(name, value(parser, parser.nextToken()));
        }
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? Shape.BIG_INTEGER : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> Shape.FRACTION;
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> NULL;
            case START_ARRAY -> array(parser);
            default -> { // START_OBJECT
                parser.skipChildren();
                yield Shape.OBJECT;
            }
        };
    }

    /** An array of 64-bit integers as {@code long[]}, any other as its length. */
    private static Object array(JsonParser parser) throws IOException {
        long[] items = new long[8];
        int size = 0;
        boolean integers = true;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                if (size == items.length) {
                    items = Arrays.copyOf(items, size * 2);
                }
                items[size] = parser.getLongValue();
            } else {
                integers = false;
                parser.skipChildren();
            }
            size++;
        }
        return integers ? Arrays.copyOf(items, size) : new OtherArray(size);
    }

    private static String typeName(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase();
        };
    }

    private void add(String name, Object value) {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        names[count] = name;
        values[count] = value;
        count++;
    }

    private int indexOf(String name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The field's value as described above, or {@code null} when it is absent or JSON null. */
    Object get(String name) {
        int index = indexOf(name);
        if (index < 0) {
            return null;
        }
        Object value = values[index];
        return value == NULL ? null : value;
    }
}
