package io.loomchat.service;

/**
 * Every scenario of {@link OneToOneChatEndToEndTest} with its clients on WebSocket: the frames and rules
 * are the same on every transport (PROTOCOL.md, "Transports"). The backends come from the parent.
 */
class OneToOneChatOverWebSocketEndToEndTest extends OneToOneChatEndToEndTest {

    @Override
    protected boolean overWebSocket() {
        return true;
    }
}
