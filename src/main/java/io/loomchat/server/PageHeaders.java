package io.loomchat.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The headers every response of the web port carries, for the page's safety in a browser. The
 * page's own Content-Security-Policy (a meta tag in index.html) cannot say who may frame it, so:
 * <ul>
 *   <li>no other site may put the page in a frame ({@code frame-ancestors 'none'}, and
 *       X-Frame-Options for browsers older than that), where a user could be tricked into
 *       clicking "add friend" or "send" on a page they cannot see;</li>
 *   <li>a file is run or shown only as the type the server names ({@code nosniff});</li>
 *   <li>no address of the page leaves with a request ({@code no-referrer});</li>
 *   <li>the browser asks again before reusing a cached file ({@code no-cache}: Helidon answers
 *       304 when unchanged), so that after an upgrade the page and its modules come from the
 *       same version of the server.</li>
 * </ul>
 */
final class PageHeaders implements Filter {

    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName X_FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        response.header(CONTENT_SECURITY_POLICY, "frame-ancestors 'none'");
        response.header(X_FRAME_OPTIONS, "DENY");
        response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        response.header(REFERRER_POLICY, "no-referrer");
        response.header(HeaderNames.CACHE_CONTROL, "no-cache");
        chain.proceed();
    }
}
