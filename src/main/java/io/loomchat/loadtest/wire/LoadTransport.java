package io.loomchat.loadtest.wire;

import io.loomchat.tls.ClientTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** How the simulated clients reach the servers (PROTOCOL.md, "Transports"); either inside TLS with --tls. */
public enum LoadTransport {

    /** The chat port; frames end in {@code \n} (or {@code \0} in classic framing). */
    TCP {
        @Override
        public LoadConnection open(InetSocketAddress server, InetAddress source, Framing framing,
                                   LoadConnection.Listener listener, ClientTls tls) throws IOException {
            return LoadConnection.open(server, source, framing, listener, tls);
        }
    },

    /** The web port's {@code /ws}, as browsers connect: one text message per frame, modern framing. */
    WEBSOCKET {
        @Override
        public LoadConnection open(InetSocketAddress server, InetAddress source, Framing framing,
                                   LoadConnection.Listener listener, ClientTls tls) throws IOException {
            return LoadConnection.openWebSocket(server, source, listener, tls);
        }
    };

    public abstract LoadConnection open(InetSocketAddress server, InetAddress source, Framing framing,
                                        LoadConnection.Listener listener, ClientTls tls) throws IOException;
}
