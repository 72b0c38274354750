package io.loomchat.service;

/**
 * Every scenario of {@link GroupsEndToEndTest} with its clients on WebSocket: the frames and rules
 * are the same on every transport (PROTOCOL.md, "Transports"). The backends come from the parent.
 */
class GroupsOverWebSocketEndToEndTest extends GroupsEndToEndTest {

    @Override
    protected boolean overWebSocket() {
        return true;
    }
}
