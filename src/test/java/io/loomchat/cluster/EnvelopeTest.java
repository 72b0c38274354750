package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A delivery as it crosses Redis, between servers of this version and of the one before. */
class EnvelopeTest {

    private static final String FRAME = "{\"msgid\":6,\"mid\":77,\"id\":1,\"toid\":2,\"msg\":\"hi\"}";

    @Test
    void aChatMessageArrivesWithItsFrameAndRecipients() {
        Envelope.Received received = Envelope.decode(bytes("C 6 77 2,3/1\n" + FRAME));

        assertEquals(Delivery.Kind.CHAT, received.delivery().kind());
        assertEquals(77, received.delivery().mid());
        assertEquals(FRAME, text(received.delivery().frame()));
        assertEquals(List.of(Mailbox.withoutDevice(2), new Mailbox(3, 1)), received.mailboxes());
    }

    @Test
    void aFrameFromAServerThatStillTerminatedItArrivesAsItsJsonAlone() {
        // Servers before 2026-12-07 sent frames with the stream's terminator; the transport adds
        // its own now, so a kept one would reach the client followed by an empty line.
        Envelope.Received received = Envelope.decode(bytes("C 6 77 2\n" + FRAME + "\n"));

        assertEquals(FRAME, text(received.delivery().frame()));
        assertEquals(FRAME, text(Envelope.frameFrom(bytes(FRAME + "\n"), 0)));
    }

    @Test
    void aStoredNoticeCarriesNoFrame() {
        Envelope.Received received = Envelope.decode(bytes("S 0 0 4\n"));

        assertEquals(Delivery.Kind.STORED, received.delivery().kind());
        assertEquals(0, received.delivery().frame().length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
