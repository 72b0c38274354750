package io.loomchat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * nginx/compose.conf is checked in (compose mounts it as is), but it must stay what
 * nginx/render-conf makes of nginx/loomchat.conf, so that compose runs the tested settings.
 */
class ComposeConfTest {

    /** The command in compose.conf's header; it needs no local nginx (the module is "builtin"). */
    private static final List<String> RENDER = List.of("bash", "nginx/render-conf", "--listen", "8000",
            "--upstream", "server1:6000", "--upstream", "server2:6000", "--stdio-logs", "--user", "nginx",
            "--stream-module", "builtin", "--resolver", "127.0.0.11",
            "--web-upstream", "server1:7000", "--web-upstream", "server2:7000", "--web-listen", "8080");

    @Test
    void composeConfIsLoomchatConfRenderedForTheComposeServices() throws Exception {
        Process render = new ProcessBuilder(RENDER).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String rendered = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        render.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, render.exitValue(), "render-conf failed");

        String shipped = Files.readString(Path.of("nginx/compose.conf"), StandardCharsets.UTF_8);
        String withoutHeader = shipped.substring(shipped.indexOf("\n\n") + 2);
        assertEquals(rendered, withoutHeader,
                "nginx/compose.conf is out of date: regenerate it with the command in its header");
    }
}
