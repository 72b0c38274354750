package io.loomchat.loadtest.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.loomchat.protocol.Json;
import java.io.IOException;

/**
 * The top-level fields of a server frame that the load test looks at. Read with Jackson's
 * streaming parser rather than as a tree: the client shares two cores with the server it
 * measures, so every allocation per frame is taken from the server's figures.
 */
public final class Frame {

    /** Reads one value out of a frame being parsed; the shared mapper would refuse the rest of the frame as trailing tokens. */
    private static final ObjectReader EMBEDDED = Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public int msgid = -1;
    public int ack;
    public int errno;
    public int id;
    public int groupid;
    public long seq = -1;
    /** Server-assigned message id of a delivered chat message (and of a chat ACK); 0 when absent. */
    public long mid;
    /** Login ack: the session confirms what it gets (protocol 2.2). */
    public boolean receipts;
    public String msg;
    public String stored;
    public String token;
    /** Login ack: the device id it echoes (protocol 2.3); null when absent. */
    public String device;
    int online;
    public int offline;
    /** Only in login acks: the offline messages (objects, or JSON strings in the legacy dialect). */
    public JsonNode offlinemsg;
    String errmsg;

    static Frame parse(byte[] bytes, int offset, int length) throws IOException {
        Frame frame = new Frame();
        try (JsonParser parser = Json.MAPPER.createParser(bytes, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("frame is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "msgid" -> frame.msgid = parser.getIntValue();
                    case "ack" -> frame.ack = parser.getIntValue();
                    case "errno" -> frame.errno = parser.getIntValue();
                    case "id" -> frame.id = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : 0;
                    case "groupid" -> frame.groupid = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : 0;
                    case "seq" -> frame.seq = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : -1;
                    case "mid" -> frame.mid = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
                    case "receipts" -> frame.receipts = value == JsonToken.VALUE_TRUE;
                    case "msg" -> frame.msg = parser.getValueAsString();
                    case "stored" -> frame.stored = parser.getValueAsString();
                    case "token" -> frame.token = parser.getValueAsString();
                    case "device" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            frame.device = parser.getText();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    case "errmsg" -> frame.errmsg = parser.getValueAsString();
                    case "online" -> frame.online = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : 0;
                    case "offline" -> frame.offline = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : 0;
                    case "offlinemsg" -> frame.offlinemsg = EMBEDDED.readTree(parser);
                    default -> parser.skipChildren();
                }
            }
        }
        return frame;
    }

    /** A delivered message taken out of a login ack's {@code offlinemsg}. */
    public static Frame ofStored(JsonNode message) throws IOException {
        JsonNode node = message.isTextual() ? Json.parse(message.asText()) : message;
        Frame frame = new Frame();
        frame.msgid = node.path("msgid").asInt();
        frame.id = node.path("id").asInt();
        frame.groupid = node.path("groupid").asInt();
        frame.mid = node.path("mid").asLong();
        frame.msg = node.path("msg").asText(null);
        return frame;
    }

    public boolean isAckOf(int requestMsgid) {
        return msgid == 11 && ack == requestMsgid;
    }

    @Override
    public String toString() {
        return "msgid " + msgid + (ack != 0 ? " ack " + ack : "") + " errno " + errno
                + (errmsg != null ? " (" + errmsg + ")" : "");
    }
}
