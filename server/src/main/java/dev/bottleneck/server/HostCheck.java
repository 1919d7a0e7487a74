package dev.bottleneck.server;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Without a token the API trusts whoever can reach the loopback address, so it must also refuse
 * requests that only look local: a web page whose own domain name is re-pointed at 127.0.0.1
 * ("DNS rebinding") reaches the server from the user's browser but names its domain in the
 * {@code Host} header. Only literal loopback names, or the address the server was bound to, are
 * accepted; the name is compared as text and never looked up.
 */
final class HostCheck {
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private final String boundHost;

    HostCheck(String boundHost) {
        this.boundHost = boundHost.toLowerCase(Locale.ROOT);
    }

    /** Throws 403 unless {@code hostHeader} names this server by a loopback name or its bound address. */
    void check(String hostHeader) {
        if (hostHeader == null || !allowed(hostOf(hostHeader.trim().toLowerCase(Locale.ROOT)))) {
            throw new ApiException(403, "the Host header '" + ModelNames.shorten(String.valueOf(hostHeader))
                    + "' does not name this server; without a token it answers only requests addressed to 127.0.0.1 or localhost");
        }
    }

    private boolean allowed(String host) {
        return host.equals("localhost") || host.equals("::1") || IPV4_LOOPBACK.matcher(host).matches()
                || host.equals(boundHost) || ("[" + host + "]").equals(boundHost);
    }

    /** The host part of a Host header: without the port, and without the brackets of an IPv6 address. */
    static String hostOf(String header) {
        if (header.startsWith("[")) {
            int end = header.indexOf(']');
            return end < 0 ? header : header.substring(1, end);
        }
        int colon = header.indexOf(':');
        return colon < 0 ? header : header.substring(0, colon);
    }
}
