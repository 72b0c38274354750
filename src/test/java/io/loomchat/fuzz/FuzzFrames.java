package io.loomchat.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators for what a hostile or broken client may put on the wire: well-formed requests of
 * every msgid, the same with fields removed, retyped or swapped for junk, byte-level damage
 * (truncation, flipped bytes, invalid UTF-8, raw control characters), deep nesting, and plain
 * random bytes. Frames come without their terminator; {@link #terminated} adds one.
 *
 * <p>Requests name the users and groups of a {@link Population} the test set up, so that many
 * of them pass validation and reach the handlers (login, chat, groups) instead of stopping at
 * the parser.
 */
final class FuzzFrames {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Requests a client may send, the server-only types, and a few that mean nothing. */
    private static final int[] MSGIDS = {1, 3, 4, 6, 7, 8, 9, 10, 12, 2, 5, 11, 13, 14, 0, -1, 15, 99};

    /** Byte sequences no UTF-8 decoder may accept. */
    private static final byte[][] INVALID_UTF8 = {
            {(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF0, (byte) 0x9F}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0x80}, {(byte) 0xFE, (byte) 0xFF}};

    /** Users (all with {@link #PASSWORD}) and groups that exist on the server under test. */
    record Population(List<Integer> userIds, List<Integer> groupIds) {
    }

    static final String PASSWORD = "fuzz-pw";

    private FuzzFrames() {
    }

    /** One frame's bytes, without terminator; may contain {@code \n} or {@code \0} (random bytes do). */
    static Arbitrary<byte[]> frame(Population population) {
        return Arbitraries.frequencyOf(
                Tuple.of(25, request(population).map(FuzzFrames::bytes)),
                Tuple.of(30, mutatedRequest(population).map(FuzzFrames::bytes)),
                Tuple.of(20, damaged(request(population).map(FuzzFrames::bytes))),
                Tuple.of(8, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
                Tuple.of(5, nestedJunk()),
                Tuple.of(7, notAnObject()),
                Tuple.of(5, blank()));
    }

    /** A frame and its terminator: {@code \n} mostly, sometimes {@code \r\n} or {@code \0}. */
    static Arbitrary<byte[]> terminated(Arbitrary<byte[]> frame, int nulPercent) {
        Arbitrary<byte[]> terminator = Arbitraries.frequencyOf(
                Tuple.of(Math.max(0, 80 - nulPercent), Arbitraries.just(new byte[] {'\n'})),
                Tuple.of(20, Arbitraries.just(new byte[] {'\r', '\n'})),
                Tuple.of(nulPercent, Arbitraries.just(new byte[] {0})));
        return Combinators.combine(frame, terminator).as(FuzzFrames::concat);
    }

    /** A well-formed request of a random msgid, with plausible fields. */
    static Arbitrary<ObjectNode> request(Population population) {
        Arbitrary<Integer> user = Arbitraries.oneOf(Arbitraries.of(population.userIds()),
                Arbitraries.integers().between(-3, 1_000_000));
        Arbitrary<Integer> group = Arbitraries.oneOf(Arbitraries.of(population.groupIds()),
                Arbitraries.integers().between(-3, 1_000_000));
        Arbitrary<String> password = Arbitraries.oneOf(Arbitraries.just(PASSWORD), text(0, 20));
        Arbitrary<Object> seq = Arbitraries.oneOf(Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.strings().alpha().ofMaxLength(70).map(s -> (Object) s), Arbitraries.just((Object) "none"));
        return Combinators.combine(Arbitraries.of(toList(MSGIDS)), user, group, password, text(1, 60), text(0, 60), seq,
                        Arbitraries.integers().between(0, 9))
                .as((msgid, someUser, someGroup, pw, text, otherText, seqValue, extras) -> {
                    ObjectNode node = NODES.objectNode();
                    node.put("msgid", msgid);
                    switch (msgid) {
                        case 1 -> {
                            node.put("id", someUser);
                            if (extras == 0) {
                                node.put("token", otherText);
                            } else {
                                node.put("password", pw);
                            }
                        }
                        case 3 -> node.put("id", someUser);
                        case 4 -> {
                            node.put("name", "fz" + Integer.toHexString(text.hashCode()) + extras);
                            node.put("password", pw.isEmpty() ? PASSWORD : pw);
                        }
                        case 6 -> {
                            node.put(extras == 1 ? "to" : "toid", someUser);
                            node.put("msg", text);
                        }
                        case 7 -> node.put("friendid", someUser);
                        case 8 -> {
                            node.put("groupname", text.length() > 40 ? text.substring(0, 40) : text);
                            node.put("groupdesc", otherText);
                        }
                        case 9 -> node.put("groupid", someGroup);
                        case 10 -> {
                            node.put("groupid", someGroup);
                            node.put("msg", text);
                        }
                        default -> {
                            // PING, server-only and unknown types carry nothing of their own.
                        }
                    }
                    if (extras >= 5) {
                        node.put("id", someUser);
                    }
                    if (!"none".equals(seqValue)) {
                        node.putPOJO("seq", seqValue);
                    }
                    return node;
                });
    }

    /** A request with one to three fields removed, retyped, added or swapped for junk. */
    static Arbitrary<ObjectNode> mutatedRequest(Population population) {
        Arbitrary<List<Mutation>> mutations = mutation().list().ofMinSize(1).ofMaxSize(3);
        return Combinators.combine(request(population), mutations).as((node, list) -> {
            for (Mutation mutation : list) {
                mutation.apply(node);
            }
            return node;
        });
    }

    /** A change to a request object; {@code pick} chooses which field. */
    record Mutation(int kind, int pick, JsonNode value, String newField) {
        void apply(ObjectNode node) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            String field = names.isEmpty() ? "msgid" : names.get(Math.floorMod(pick, names.size()));
            switch (kind) {
                case 0 -> node.remove(field);
                case 1 -> node.set(field, value);
                case 2 -> node.set(newField, value);
                default -> node.set("msgid", value);
            }
        }
    }

    static Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers(), junkValue(),
                Arbitraries.oneOf(Arbitraries.of("msgid", "id", "toid", "msg", "seq", "password", "token",
                        "groupid", "__proto__", ""), text(1, 10))).as(Mutation::new);
    }

    /** Values of the wrong type, at the edges of number ranges, or made of awkward text. */
    static Arbitrary<JsonNode> junkValue() {
        return Arbitraries.oneOf(
                Arbitraries.of(NODES.nullNode(), NODES.booleanNode(true), NODES.booleanNode(false),
                        NODES.numberNode(0), NODES.numberNode(-1), NODES.numberNode(Integer.MAX_VALUE),
                        NODES.numberNode(Integer.MIN_VALUE), NODES.numberNode(Long.MAX_VALUE),
                        NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(1.5), NODES.numberNode(-0.0),
                        NODES.numberNode(1e308), NODES.numberNode(new BigInteger("9".repeat(40))),
                        NODES.numberNode(new BigDecimal("1e-400")), NODES.textNode(""), NODES.textNode("12"),
                        NODES.arrayNode(), NODES.objectNode(), NODES.arrayNode().add(6).add("x")),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                text(0, 300).map(NODES::textNode),
                Arbitraries.strings().ofMinLength(4_000).ofMaxLength(5_000).withChars('x', 'é').map(NODES::textNode),
                Arbitraries.integers().between(1, 60).map(FuzzFrames::nested));
    }

    /** Text over the whole of Unicode (no lone surrogates: those are made at the byte level). */
    static Arbitrary<String> text(int min, int max) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0, 0x1F)),
                Tuple.of(1, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0x10FFFF)),
                Tuple.of(1, Arbitraries.of(0xFEFF, 0xFFFD, 0x202E, 0x200B, 0x1F600, 0x10FFFF, 0x7F)));
        return codePoint.list().ofMinSize(min).ofMaxSize(max).map(points -> {
            StringBuilder text = new StringBuilder();
            points.forEach(text::appendCodePoint);
            return text.toString();
        });
    }

    /** Byte-level damage to an otherwise good frame. */
    static Arbitrary<byte[]> damaged(Arbitrary<byte[]> frames) {
        return Combinators.combine(frames, Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.integers().between(0, 1 << 20), Arbitraries.bytes()).as((frame, kind, at, other, b) -> {
            int position = frame.length == 0 ? 0 : at % (frame.length + 1);
            return switch (kind) {
                case 0 -> Arrays.copyOf(frame, position);
                case 1 -> insert(frame, position, new byte[] {b});
                case 2 -> {
                    byte[] copy = frame.clone();
                    if (copy.length > 0) {
                        copy[Math.min(position, copy.length - 1)] ^= (byte) (1 << (other % 8));
                    }
                    yield copy;
                }
                case 3 -> insert(frame, position, INVALID_UTF8[other % INVALID_UTF8.length]);
                case 4 -> insert(frame, position, new byte[] {(byte) (1 + other % 31)});
                case 5 -> insert(frame, position, "\\ud800".getBytes(StandardCharsets.US_ASCII));
                case 6 -> {
                    int from = frame.length == 0 ? 0 : other % frame.length;
                    int to = Math.max(from, position);
                    yield insert(frame, position, Arrays.copyOfRange(frame, Math.min(from, to), to));
                }
                default -> insert(frame, position, "{\"msgid\":6,".getBytes(StandardCharsets.US_ASCII));
            };
        });
    }

    /** Deeply nested arrays and objects, as a whole frame or as the value of a known field. */
    static Arbitrary<byte[]> nestedJunk() {
        return Combinators.combine(Arbitraries.integers().between(1, 3_000), Arbitraries.of("[", "{\"a\":", "[{\"msgid\":"),
                Arbitraries.of(true, false)).as((depth, opener, wrapped) -> {
            String open = opener.repeat(depth);
            StringBuilder close = new StringBuilder();
            for (int i = 0; i < depth; i++) {
                close.append(opener.startsWith("[{") ? "}]" : opener.startsWith("[") ? "]" : "}");
            }
            String junk = open + "1" + close;
            String frame = wrapped ? "{\"msgid\":6,\"toid\":" + junk + ",\"msg\":\"x\"}" : junk;
            return frame.getBytes(StandardCharsets.UTF_8);
        });
    }

    /** JSON that parses but is not an object, or not JSON at all. */
    static Arbitrary<byte[]> notAnObject() {
        return Arbitraries.of("[]", "null", "true", "12", "\"msgid\"", "{}", "{\"msgid\":12} trailing", "{\"msgid\":12",
                        "{\"msgid\":12}{\"msgid\":12}", "{\"msgid\":12,\"msgid\":6}", "{'msgid':12}", "{msgid:12}",
                        "{\"msgid\":1e2}", "{\"msgid\":012}", "{\"msgid\":NaN}", "{\"msgid\":12,}", "/*x*/{\"msgid\":12}",
                        "\uFEFF{\"msgid\":12}", "{\"msgid\":12}\r", "\r", "\r\r", " ", "\t{\"msgid\":12} ")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    /** Nothing, or whitespace only: the server must skip or answer it, never stall on it. */
    static Arbitrary<byte[]> blank() {
        return Arbitraries.of("", "", " ", "\r").map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode nested(int depth) {
        JsonNode node = NODES.numberNode(depth);
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("k", node);
        }
        return node;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] insert(byte[] frame, int at, byte[] inserted) {
        return concat(Arrays.copyOfRange(frame, 0, at), inserted, Arrays.copyOfRange(frame, at, frame.length));
    }

    private static List<Integer> toList(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
