package io.loomchat.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a test's nginx listens and what it balances, all on 127.0.0.1, as nginx/render-conf
 * options: the same for the nginx run here ({@link Nginx}) and the one in a container
 * ({@link ServiceContainers#nginx}).
 *
 * @param port the stream side (chat protocol)
 * @param upstreamPorts the chat servers' ports
 * @param webPort the http side (the page and /ws); 0 with no web upstreams: left out
 * @param webUpstreamPorts the chat servers' web ports
 * @param tlsCertificate where nginx reads the certificate chain (null: plaintext on both sides)
 * @param tlsKey where nginx reads its key
 */
record NginxAddresses(int port, List<Integer> upstreamPorts, int webPort, List<Integer> webUpstreamPorts,
                      String tlsCertificate, String tlsKey) {

    List<String> renderOptions() {
        List<String> options = new ArrayList<>(List.of("--listen", "127.0.0.1:" + port));
        for (int upstream : upstreamPorts) {
            options.addAll(List.of("--upstream", "127.0.0.1:" + upstream));
        }
        if (webPort != 0) {
            options.addAll(List.of("--web-listen", "127.0.0.1:" + webPort));
        }
        for (int upstream : webUpstreamPorts) {
            options.addAll(List.of("--web-upstream", "127.0.0.1:" + upstream));
        }
        if (tlsCertificate != null) {
            options.addAll(List.of("--tls-cert", tlsCertificate, "--tls-key", tlsKey));
        }
        return options;
    }
}
