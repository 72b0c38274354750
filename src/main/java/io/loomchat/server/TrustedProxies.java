package io.loomchat.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reverse proxies (nginx) whose word on a web client's address is believed. Behind a proxy
 * every web client arrives from the proxy's address, and the login throttle, which counts
 * failures per client address, would then count all of them together. The proxy names the
 * client in {@code X-Forwarded-For}; anyone else could write that header too, so it counts only
 * on connections that come from a listed proxy.
 */
final class TrustedProxies {

    private final Set<InetAddress> proxies;

    private TrustedProxies(Set<InetAddress> proxies) {
        this.proxies = proxies;
    }

    /** @throws IllegalArgumentException an entry that is not an IP address */
    static TrustedProxies of(List<String> addresses) {
        Set<InetAddress> parsed = new HashSet<>();
        for (String address : addresses) {
            // Literals only: a host name would be looked up here, once, and could change later.
            if (!address.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("--web-trusted-proxies: '" + address + "' is not an IP address");
            }
            try {
                parsed.add(InetAddress.getByName(address));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--web-trusted-proxies: '" + address + "' is not an IP address", e);
            }
        }
        return new TrustedProxies(Set.copyOf(parsed));
    }

    /**
     * The client's address: the last hop of {@code forwardedFor} when {@code peer} is a trusted
     * proxy (the address that proxy saw; earlier entries were written by the client itself),
     * else the peer.
     */
    String clientOf(InetAddress peer, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank() || !proxies.contains(peer)) {
            return peer.getHostAddress();
        }
        int comma = forwardedFor.lastIndexOf(',');
        return forwardedFor.substring(comma + 1).trim();
    }
}
