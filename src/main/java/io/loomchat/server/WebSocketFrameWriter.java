package io.loomchat.server;

import io.helidon.websocket.WsSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Frames onto a WebSocket: each frame becomes one text message; the message is the frame's
 * delimiter, so there is no terminator (PROTOCOL.md, "Transports"). Helidon writes each message to the socket as it is sent, under
 * its own send lock; the queue's single writer is the only caller.
 */
final class WebSocketFrameWriter implements FrameWriter {

    private final WsSession session;

    WebSocketFrameWriter(WsSession session) {
        this.session = session;
    }

    @Override
    public void write(List<OutboundFrame> batch, int batchBytes) throws IOException {
        try {
            for (OutboundFrame frame : batch) {
                byte[] bytes = frame.bytes();
                session.send(new String(bytes, StandardCharsets.UTF_8), true);
            }
        } catch (RuntimeException e) {
            // Helidon reports a broken socket as an unchecked exception; the queue wants the checked one.
            throw new IOException("WebSocket write failed", e);
        }
    }
}
