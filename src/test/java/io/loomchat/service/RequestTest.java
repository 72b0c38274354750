package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.loomchat.protocol.MessageType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a request frame reads as, field by field, and what is refused before any handler sees it. */
class RequestTest {

    private static Request parse(String frame) throws Exception {
        byte[] bytes = ("  " + frame + "\n").getBytes(StandardCharsets.UTF_8);
        return Request.parse(bytes, 2, bytes.length - 3);
    }

    private static String refusal(String frame) {
        return assertThrows(Request.Refusal.class, () -> parse(frame)).getMessage();
    }

    private static String badRequest(Runnable access) {
        return assertThrows(ServiceException.class, access::run).getMessage();
    }

    @Test
    void theFieldsOfAChatFrameReadAsTheirTypes() throws Exception {
        Request request = parse("{\"msgid\":6,\"seq\":\"a-1\",\"toid\":42,\"msg\":\"hi \\\"you\\\" 你好\",\"upto\":9007199254740993,\"flag\":true}");
        assertEquals(MessageType.ONE_CHAT, request.type());
        assertEquals(6, request.msgid());
        assertEquals("a-1", request.seq().textValue());
        assertEquals(42, request.requiredInt("toid"));
        assertEquals("hi \"you\" 你好", request.requiredText("msg", 100));
        assertEquals(9007199254740993L, request.optionalLong("upto", 0));
        assertTrue(request.optionalFlag("flag"));
        assertFalse(request.optionalFlag("absent"));
        assertEquals(7, request.optionalInt("absent", 7));
        assertEquals("x", request.optionalText("absent", 5, "x"));
        assertEquals(42, request.requiredInt("to", "toid"));
    }

    @Test
    void aNullFieldIsAnAbsentOne() throws Exception {
        Request request = parse("{\"msgid\":12,\"with\":null}");
        assertFalse(request.has("with"));
        assertEquals(3, request.optionalInt("with", 3));
        assertTrue(badRequest(() -> request.requiredInt("with")).contains("with is required"));
    }

    @Test
    void mistypedFieldsAreNamedWhenAHandlerAsksForThem() throws Exception {
        Request request = parse("{\"msgid\":6,\"a\":1.5,\"b\":\"7\",\"c\":99999999999,\"d\":123456789012345678901234,"
                + "\"e\":{\"x\":1},\"f\":[1,2],\"g\":1}");
        assertTrue(badRequest(() -> request.requiredInt("a")).contains("a must be an integer"));
        assertTrue(badRequest(() -> request.requiredInt("b")).contains("b must be an integer"));
        assertTrue(badRequest(() -> request.requiredInt("c")).contains("c must be an integer"));
        assertEquals(99999999999L, request.optionalLong("c", 0));
        assertTrue(badRequest(() -> request.optionalLong("d", 0)).contains("d must be an integer"));
        assertTrue(badRequest(() -> request.requiredText("e", 10)).contains("e must be a string"));
        assertTrue(badRequest(() -> request.optionalFlag("f")).contains("f must be true or false"));
        assertTrue(badRequest(() -> request.requiredText("g", 10)).contains("g must be a string"));
    }

    @Test
    void arraysOfMidsAreCheckedForLengthThenItems() throws Exception {
        Request request = parse("{\"msgid\":17,\"mids\":[3,1,2],\"empty\":[],\"mixed\":[1,\"2\"],\"long\":[1,\"2\",3,4],"
                + "\"nested\":[[1]],\"many\":[1,2,3,4,5,6,7,8,9,10,11,12]}");
        assertArrayEquals(new long[] {3, 1, 2}, request.requiredLongs("mids", 3));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, request.requiredLongs("many", 12));
        assertTrue(badRequest(() -> request.requiredLongs("empty", 3)).contains("must hold 1 to 3 integers, not 0"));
        assertTrue(badRequest(() -> request.requiredLongs("long", 3)).contains("must hold 1 to 3 integers, not 4"));
        assertTrue(badRequest(() -> request.requiredLongs("mixed", 3)).contains("mixed must be an array of integers"));
        assertTrue(badRequest(() -> request.requiredLongs("nested", 3)).contains("nested must be an array of integers"));
        assertTrue(badRequest(() -> request.requiredLongs("msgid", 3)).contains("msgid must be an array of integers"));
        long[] mids = request.requiredLongs("mids", 3);
        mids[0] = 0;
        assertArrayEquals(new long[] {3, 1, 2}, request.requiredLongs("mids", 3), "the request is not changed through a copy");
    }

    @Test
    void theEnvelopeIsCheckedFirst() throws Exception {
        assertTrue(refusal("[1,2]").contains("not array"));
        assertTrue(refusal("\"text\"").contains("not string"));
        assertTrue(refusal("12").contains("not number"));
        assertTrue(refusal("null").contains("not null"));
        assertTrue(refusal("{}").contains("msgid must be an integer"));
        assertTrue(refusal("{\"msgid\":\"12\"}").contains("msgid must be an integer"));
        assertTrue(refusal("{\"msgid\":99999999999}").contains("msgid must be an integer"));
        assertTrue(refusal("{\"msgid\":12,\"seq\":[1]}").contains("seq must be"));
        assertTrue(refusal("{\"msgid\":12,\"seq\":\"" + "x".repeat(Request.MAX_SEQ_CHARS + 1) + "\"}").contains("seq must be"));
        assertEquals(-5, parse("{\"msgid\":12,\"seq\":-5}").seq().longValue());
        assertNull(parse("   "), "a line of blanks is no request");
        assertNull(parse("{\"msgid\":99}").type(), "an unknown msgid is left to the dispatcher");
    }

    @Test
    void invalidJsonMoreThanOneValueAndRepeatedFieldsAreRefused() {
        for (String frame : new String[] {"{\"msgid\":12} trailing", "{\"msgid\":12}{\"msgid\":12}", "{\"msgid\":12",
                "{\"msgid\":12,\"msgid\":6}", "{'msgid':12}", "{msgid:12}", "{\"msgid\":NaN}", "this is not json"}) {
            assertThrows(JsonProcessingException.class, () -> parse(frame), frame);
        }
        byte[] badUtf8 = {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThrows(JsonProcessingException.class, () -> Request.parse(badUtf8, 0, badUtf8.length));
    }
}
