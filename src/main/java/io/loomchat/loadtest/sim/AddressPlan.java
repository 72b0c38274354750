package io.loomchat.loadtest.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which server each user talks to and which local address its socket is bound to. Local
 * addresses are used round robin: each one has its own ~28,000 ephemeral ports towards one
 * server address, which is what limits the clients one address can open.
 */
public final class AddressPlan {

    private final List<InetSocketAddress> targets;
    private final List<InetAddress> sources;
    private final boolean crossServer;

    public AddressPlan(List<InetSocketAddress> targets, List<InetAddress> sources, boolean crossServer) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target address");
        }
        this.targets = List.copyOf(targets);
        this.sources = List.copyOf(sources);
        this.crossServer = crossServer;
    }

    List<InetSocketAddress> targets() {
        return targets;
    }

    /**
     * User {@code index}'s server. Users 2k and 2k+1 are partners: both on target k mod T, or
     * with --cross-server on targets k and k+1, so that every conversation crosses servers.
     */
    InetSocketAddress targetOf(int index) {
        int pair = index / 2;
        int shift = crossServer && index % 2 == 1 ? 1 : 0;
        return targets.get((pair + shift) % targets.size());
    }

    /** The target after {@code previous}, for a client whose server went away. */
    InetSocketAddress after(InetSocketAddress previous) {
        int at = targets.indexOf(previous);
        return targets.get((at + 1) % targets.size());
    }

    /** The local address to bind user {@code index}'s socket to, or null to let the OS choose. */
    InetAddress sourceOf(int index) {
        return sources.isEmpty() ? null : sources.get(index % sources.size());
    }

    /** Worker {@code worker} of {@code workers} takes every workers-th source address, so no two share one. */
    public AddressPlan slice(int worker, int workers) {
        if (sources.size() < workers) {
            return this;
        }
        List<InetAddress> mine = new ArrayList<>();
        for (int i = worker; i < sources.size(); i += workers) {
            mine.add(sources.get(i));
        }
        return new AddressPlan(targets, mine, crossServer);
    }

    /** "host:port,host:port", or the single --host/--port when the list is empty. */
    public static List<InetSocketAddress> parseTargets(List<String> specs, String host, int port) {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (String spec : specs) {
            String item = spec.strip();
            int colon = item.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--target wants host:port, not " + item);
            }
            targets.add(new InetSocketAddress(item.substring(0, colon), Integer.parseInt(item.substring(colon + 1))));
        }
        if (targets.isEmpty()) {
            targets.add(new InetSocketAddress(host, port));
        }
        return targets;
    }

    /** "127.0.0.2-127.0.0.9,127.0.1.1" into the addresses it names (a range varies the last byte). */
    public static List<InetAddress> parseSources(String spec) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String part : spec.split(",")) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            int dash = item.indexOf('-');
            if (dash < 0) {
                addresses.add(InetAddress.getByName(item));
                continue;
            }
            byte[] from = InetAddress.getByName(item.substring(0, dash)).getAddress();
            byte[] to = InetAddress.getByName(item.substring(dash + 1)).getAddress();
            for (int last = Byte.toUnsignedInt(from[3]); last <= Byte.toUnsignedInt(to[3]); last++) {
                byte[] address = from.clone();
                address[3] = (byte) last;
                addresses.add(InetAddress.getByAddress(address));
            }
        }
        return addresses;
    }
}
