package io.loomchat.loadtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** How the simulated clients reach the servers (PROTOCOL.md, "Transports"). */
enum LoadTransport {

    /** The chat port; frames end in {@code \n} (or {@code \0} in classic framing). */
    TCP {
        @Override
        LoadConnection open(InetSocketAddress server, InetAddress source, Framing framing,
                            LoadConnection.Listener listener) throws IOException {
            return LoadConnection.open(server, source, framing, listener);
        }
    },

    /** The web port's {@code /ws}, as browsers connect: one text message per frame, modern framing. */
    WEBSOCKET {
        @Override
        LoadConnection open(InetSocketAddress server, InetAddress source, Framing framing,
                            LoadConnection.Listener listener) throws IOException {
            return LoadConnection.openWebSocket(server, source, listener);
        }
    };

    abstract LoadConnection open(InetSocketAddress server, InetAddress source, Framing framing,
                                 LoadConnection.Listener listener) throws IOException;
}
