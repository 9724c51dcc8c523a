package dev.embedconsent.preview;

import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Why {@link UpstreamClient#get} brought back no response. The message names the provider host and the reason
 * (never anything about the visitor whose page asked for the preview), for example
 * {@code "preview fetch from i.ytimg.com failed (FORBIDDEN_ADDRESS): resolves to 10.1.2.3 (private)"}.
 */
public final class UpstreamException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What went wrong; the first three are refusals before any network activity. */
    public enum Reason {
        /** The URL is not {@code https} on the default port 443. */
        NOT_HTTPS,
        /** The URL has no host name, user-info, an IP literal, or a host the caller does not allow. */
        HOST_NOT_ALLOWED,
        /** The host resolves to an address {@link AddressRules} forbids; nothing was connected. */
        FORBIDDEN_ADDRESS,
        /** The host name does not resolve. */
        UNRESOLVABLE,
        /** No connection could be made, or it broke while the response was read. */
        CONNECT_FAILED,
        /** The TLS handshake failed, for example a certificate that is not valid for the host. */
        TLS,
        /** The total deadline of the fetch passed. */
        TIMEOUT,
        /** The body is larger than the caller's limit; it was not read to its end. */
        TOO_LARGE,
        /** A status other than 200 or a redirect. */
        BAD_STATUS,
        /** A redirect without a usable {@code Location}, or to a URL that would be refused. */
        BAD_REDIRECT,
        /** More redirects than allowed. */
        TOO_MANY_REDIRECTS,
        /** The response is not well-formed HTTP/1.1 as this client reads it. */
        MALFORMED_RESPONSE
    }

    private final Reason reason;
    private final @Nullable String host;

    UpstreamException(Reason reason, @Nullable String host, String detail) {
        this(reason, host, detail, null);
    }

    UpstreamException(Reason reason, @Nullable String host, String detail, @Nullable Throwable cause) {
        super("preview fetch from " + (host == null ? "(no host)" : host) + " failed ("
                + Objects.requireNonNull(reason, "reason") + "): " + detail, cause);
        this.reason = reason;
        this.host = host;
    }

    public Reason reason() {
        return reason;
    }

    /** The host the failed request was for (the redirect's source for {@link Reason#BAD_REDIRECT}), if any. */
    public @Nullable String host() {
        return host;
    }
}
