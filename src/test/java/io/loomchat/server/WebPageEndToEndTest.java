package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Backend;
import io.loomchat.testing.RunningServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser client's files as a browser receives them from a real server's web port: the
 * types a browser insists on (module scripts and stylesheets are refused under another type,
 * since the server says nosniff), the headers that keep the page from being framed by another
 * site, and the revalidation that keeps a cached page in step with the server.
 */
class WebPageEndToEndTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.startWithWeb(Backend.H2, RunningServer.defaultNetwork(), RunningServer.defaultWeb());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void thePageAndItsFilesComeWithTheirTypesAndTheHeadersThatProtectThePage() throws Exception {
        for (String[] file : List.of(new String[] {"/", "text/html"}, new String[] {"/style.css", "text/css"},
                new String[] {"/js/main.js", "javascript"}, new String[] {"/js/connection.js", "javascript"})) {
            HttpResponse<String> response = get(file[0]);
            assertEquals(200, response.statusCode(), file[0]);
            String type = response.headers().firstValue("Content-Type").orElse("");
            assertTrue(type.contains(file[1]), file[0] + " came as " + type);
            assertEquals("frame-ancestors 'none'", response.headers().firstValue("Content-Security-Policy").orElse(""), file[0]);
            assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""), file[0]);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), file[0]);
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""), file[0]);
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(""), file[0]);
        }
        assertEquals(404, get("/no-such-file.js").statusCode());
    }

    @Test
    void aCachedFileIsRevalidatedAndNotSentAgainWhileUnchanged() throws Exception {
        HttpResponse<String> first = get("/js/main.js");
        String lastModified = first.headers().firstValue("Last-Modified").orElse(null);
        String etag = first.headers().firstValue("ETag").orElse(null);
        assertTrue(lastModified != null || etag != null, "no validator to revalidate with: " + first.headers().map());
        HttpRequest.Builder again = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + "/js/main.js"));
        if (etag != null) {
            again.header("If-None-Match", etag);
        } else {
            again.header("If-Modified-Since", lastModified);
        }
        HttpResponse<String> revalidated = http.send(again.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(304, revalidated.statusCode(), revalidated::body);
        assertEquals("", revalidated.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
