package io.loomchat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * nginx/compose.conf and nginx/compose-tls.conf are checked in (compose mounts them as they are),
 * but each must stay what nginx/render-conf makes of nginx/loomchat.conf, so that compose runs
 * the tested settings.
 */
class ComposeConfTest {

    /** compose.conf's command (in its header); it needs no local nginx (the module is "builtin"). */
    private static final List<String> COMPOSE = List.of("--listen", "8000",
            "--upstream", "server1:6000", "--upstream", "server2:6000", "--stdio-logs", "--user", "nginx",
            "--stream-module", "builtin", "--resolver", "127.0.0.11",
            "--web-upstream", "server1:7000", "--web-upstream", "server2:7000", "--web-listen", "8080");

    /** compose-tls.conf's: the same, with the certificate where compose.tls.yaml mounts it. */
    private static final List<String> COMPOSE_TLS = Stream.concat(COMPOSE.stream(), Stream.of(
            "--tls-cert", "/etc/loomchat/tls/server.pem", "--tls-key", "/etc/loomchat/tls/server.key")).toList();

    static Stream<Arguments> composeConfigurations() {
        return Stream.of(Arguments.of("nginx/compose.conf", COMPOSE), Arguments.of("nginx/compose-tls.conf", COMPOSE_TLS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("composeConfigurations")
    void theShippedFileIsLoomchatConfRenderedWithTheCommandInItsHeader(String file, List<String> options) throws Exception {
        List<String> command = Stream.concat(Stream.of("bash", "nginx/render-conf"), options.stream()).toList();
        Process render = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String rendered = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        render.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, render.exitValue(), "render-conf failed");

        String shipped = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        String header = shipped.substring(0, shipped.indexOf("\n\n"));
        assertTrue(header.replaceAll(" *\\\\\n# *", " ").contains(String.join(" ", options)),
                file + "'s header does not give the command this test renders it with");
        assertEquals(rendered, shipped.substring(header.length() + 2),
                file + " is out of date: regenerate it with the command in its header");
    }
}
