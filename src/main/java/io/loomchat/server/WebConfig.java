package io.loomchat.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the web port: the browser client's page and its WebSocket. Limits (frame size,
 * idle timeout, queues, connections) are the TCP port's, from {@link NetworkConfig}.
 *
 * @param port           HTTP port; 0 picks a free one (tests)
 * @param origins        the origins of the pages allowed to open a WebSocket, as browsers send them
 *                       ({@code https://chat.example.com}); empty: the page's own origin only
 *                       (its host and port match the Host the handshake was sent to). A browser
 *                       lets any page open a WebSocket anywhere, with the user's network position,
 *                       so a page of another site must not get a chat session just because the user
 *                       visited it. Helidon checks the Origin header against this; handshakes
 *                       without one come from programs, not pages, and are served.
 * @param trustedProxies reverse proxies whose X-Forwarded-For names the client (see {@link TrustedProxies})
 */
public record WebConfig(int port, List<String> origins, List<String> trustedProxies) {

    public WebConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--web-port must be between 0 and 65535, not " + port);
        }
        origins = List.copyOf(origins);
        trustedProxies = List.copyOf(trustedProxies);
        // Checked here so that a bad entry stops the server at start, with the option's name.
        for (String origin : origins) {
            if (!isOrigin(origin)) {
                throw new IllegalArgumentException("--web-origins: '" + origin + "' is not an origin as a browser sends "
                        + "it, such as https://chat.example.com (lower-case scheme and host, optional port, no path)");
            }
        }
        TrustedProxies.of(trustedProxies);
    }

    private static boolean isOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            return uri.getScheme() != null && uri.getHost() != null && uri.getRawPath().isEmpty()
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null
                    && origin.equals(origin.toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    public WebConfig withPort(int newPort) {
        return new WebConfig(newPort, origins, trustedProxies);
    }
}
