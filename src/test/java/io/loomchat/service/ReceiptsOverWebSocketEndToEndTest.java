package io.loomchat.service;

/**
 * Every scenario of {@link ReceiptsEndToEndTest} with its clients on WebSocket: the frames and rules
 * are the same on every transport (PROTOCOL.md, "Transports"). The backends come from the parent.
 */
class ReceiptsOverWebSocketEndToEndTest extends ReceiptsEndToEndTest {

    @Override
    protected boolean overWebSocket() {
        return true;
    }
}
