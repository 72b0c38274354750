package io.loomchat.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON codec of the project. Frames are compact UTF-8 JSON; their transports delimit them.
 */
public final class Json {

    /**
     * Thread-safe once configured; shared by every connection.
     *
     * <p>Jackson's default buffer recycling keeps its buffers in a ThreadLocal. With one virtual
     * thread per connection that is one set of buffers per connection, about 19 KB each, held for
     * as long as the connection lives (measured: 275 MB of heap for 10,000 idle connections).
     * A shared pool lets every thread borrow the same few buffers.
     */
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                    .build())
            // "{"a":1} trailing" is not one JSON object: refuse it instead of reading its prefix.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** First block of a frame being encoded: a delivered chat message of 64 characters fits. */
    private static final int FRAME_BUILDER_BYTES = 256;

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses one frame; throws on anything that is not valid JSON in valid UTF-8. */
    public static JsonNode parse(byte[] bytes, int offset, int length) throws IOException {
        return MAPPER.readTree(bytes, offset, length);
    }

    public static JsonNode parse(byte[] bytes) throws IOException {
        return parse(bytes, 0, bytes.length);
    }

    public static JsonNode parse(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    /**
     * A frame's bytes: the object as compact JSON. Without a terminator: how a frame is delimited
     * is its transport's business (a byte stream ends it with {@code \n}, a WebSocket message
     * needs nothing), so only the transports' writers add it.
     */
    public static byte[] frame(JsonNode node) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(FRAME_BUILDER_BYTES)) {
            MAPPER.writeValue(out, node);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a JSON tree", e);
        }
    }

    /** Writes the fields of one JSON object; see {@link #frame(ObjectFields)}. */
    @FunctionalInterface
    public interface ObjectFields {
        void write(JsonGenerator fields) throws IOException;
    }

    /**
     * A frame written field by field, for the frames sent most (a chat message per delivery):
     * the same bytes {@link #frame(JsonNode)} gives for the same fields in the same order, without
     * building and walking a tree first.
     */
    public static byte[] frame(ObjectFields fields) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(FRAME_BUILDER_BYTES)) {
            try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
                generator.writeStartObject();
                fields.write(generator);
                generator.writeEndObject();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a frame", e);
        }
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode a JSON tree", e);
        }
    }

    public static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode a JSON tree", e);
        }
    }
}
