package dev.embedconsent.preview;

import dev.embedconsent.preview.UpstreamException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * Fetches a provider's preview (a thumbnail, an oEmbed document) for the server, safe against server-side request
 * forgery by construction: only {@code https://host/...} URLs whose host the caller allows; every address the host
 * resolves to is checked with {@link AddressRules} before one is connected, and the connection goes to exactly the
 * checked address (this is why the client speaks HTTP/1.1 itself rather than through {@code java.net.http}); the
 * certificate must be valid for the host; redirects pass the same checks.
 *
 * <pre>{@code
 * UpstreamClient client = UpstreamClient.builder().timeout(Duration.ofSeconds(5)).build();
 * UpstreamResponse thumbnail = client.get(URI.create("https://i.ytimg.com/vi/ID/hqdefault.jpg"),
 *         host -> host.equals("i.ytimg.com"), "image/*", 2_000_000);
 * }</pre>
 *
 * <p>The request carries {@code Host}, {@code User-Agent}, {@code Accept}, {@code Accept-Encoding: identity} and
 * {@code Connection: close}, nothing about the visitor. A fetch, redirects included, ends by the
 * {@linkplain Builder#timeout total deadline} however slowly the server answers, and stops reading as soon as the
 * body would exceed the caller's limit. Immutable and thread-safe; it starts no threads.
 */
public final class UpstreamClient {

    private static final int HTTPS_PORT = 443;
    /** Cap on the status line plus header fields (and on the trailer fields of a chunked body). */
    private static final int MAX_HEADER_BYTES = 32 * 1024;
    private static final int MAX_CHUNK_LINE = 1024;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    /** A DNS name whose last label starts with a letter, so no IPv4 literal in any notation ("127.1", "2130706433"). */
    private static final Pattern HOST_NAME =
            Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([1-9][0-9]{2})(?: .*)?");
    private static final Pattern FIELD_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]+");

    private final HostResolver resolver;
    private final Connector connector;
    private final SSLContext sslContext;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final int maxRedirects;
    private final String userAgent;

    private UpstreamClient(Builder b, SSLContext sslContext) {
        this.resolver = b.resolver;
        this.connector = b.connector;
        this.sslContext = sslContext;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.maxRedirects = b.maxRedirects;
        this.userAgent = b.userAgent;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fetches {@code url}, following allowed redirects, and returns the 200 response.
     *
     * @param url an {@code https} URL on port 443 with a host name
     * @param allowedHost decides on each lower-cased host name, of the URL and of every redirect, before any look-up
     * @param accept the {@code Accept} header, such as {@code image/*} or {@code application/json}
     * @param maxBytes the largest body accepted
     * @throws UpstreamException with the {@link Reason} for any refusal or failure; sockets are closed
     * @throws IllegalArgumentException if {@code accept} is not printable ASCII or {@code maxBytes} is negative
     */
    public UpstreamResponse get(URI url, Predicate<String> allowedHost, String accept, long maxBytes)
            throws UpstreamException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(allowedHost, "allowedHost");
        requirePrintable("accept", accept);
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, got " + maxBytes);
        }
        Deadline deadline = new Deadline(System.nanoTime() + timeout.toNanos(), timeout);
        Target target = target(url, allowedHost);
        for (int redirects = 0; ; redirects++) {
            Hop hop = exchange(target, accept, maxBytes, deadline);
            if (hop.response() != null) {
                return hop.response();
            }
            if (redirects == maxRedirects) {
                throw new UpstreamException(Reason.TOO_MANY_REDIRECTS, target.host(),
                        "more than " + maxRedirects + " redirects");
            }
            target = redirectTarget(target, Objects.requireNonNull(hop.location()), allowedHost);
        }
    }

    /** Where a request goes: the URL in normal form, its host and the request target (path and query). */
    private record Target(URI url, String host, String requestTarget) {}

    /** One request's outcome: a response, or the {@code Location} of a redirect. */
    private record Hop(@Nullable UpstreamResponse response, @Nullable String location) {}

    private static Target target(URI url, Predicate<String> allowedHost) throws UpstreamException {
        String scheme = url.getScheme();
        if (scheme == null || !scheme.equalsIgnoreCase("https")) {
            throw new UpstreamException(Reason.NOT_HTTPS, url.getHost(),
                    scheme == null ? "not an absolute URL" : "only https URLs are fetched, not " + scheme);
        }
        if (url.getPort() != -1 && url.getPort() != HTTPS_PORT) {
            throw new UpstreamException(Reason.NOT_HTTPS, url.getHost(),
                    "only port " + HTTPS_PORT + " is fetched, not " + url.getPort());
        }
        if (url.getHost() == null) {
            throw new UpstreamException(Reason.HOST_NOT_ALLOWED, null, "the URL has no host name");
        }
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (url.getRawUserInfo() != null) {
            throw new UpstreamException(Reason.HOST_NOT_ALLOWED, host, "URLs with user-info are not fetched");
        }
        if (!HOST_NAME.matcher(host).matches() || host.length() > 253) {
            throw new UpstreamException(Reason.HOST_NOT_ALLOWED, host, "not a host name (IP literals are refused)");
        }
        if (!allowedHost.test(host)) {
            throw new UpstreamException(Reason.HOST_NOT_ALLOWED, host, "the host is not allowed");
        }
        URI ascii = URI.create(url.toASCIIString()); // percent-encodes non-ASCII characters of path and query
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        String requestTarget = ascii.getRawQuery() == null ? path : path + "?" + ascii.getRawQuery();
        return new Target(URI.create("https://" + host + requestTarget), host, requestTarget);
    }

    private static Target redirectTarget(Target from, String location, Predicate<String> allowedHost)
            throws UpstreamException {
        URI next;
        try {
            next = from.url().resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UpstreamException(Reason.BAD_REDIRECT, from.host(), "the Location header is not a URL", e);
        }
        try {
            return target(next, allowedHost);
        } catch (UpstreamException refused) {
            throw new UpstreamException(Reason.BAD_REDIRECT, from.host(),
                    "refused a redirect (" + refused.reason() + ")", refused);
        }
    }

    private Hop exchange(Target target, String accept, long maxBytes, Deadline deadline) throws UpstreamException {
        String host = target.host();
        Socket socket = connect(host, resolve(host, deadline), deadline);
        try {
            SSLSocket tls = (SSLSocket) sslContext.getSocketFactory().createSocket(socket, host, HTTPS_PORT, true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setServerNames(List.of(new SNIHostName(host)));
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(deadline.remainingMillis(host));
            tls.startHandshake();

            OutputStream out = tls.getOutputStream();
            out.write(request(target, accept));
            out.flush();
            ResponseReader in = new ResponseReader(tls, host, deadline);
            Head head = in.readHead();
            if (head.status() == 200) {
                byte[] body = in.readBody(head, maxBytes);
                return new Hop(new UpstreamResponse(target.url(), 200, head.field("content-type"), body), null);
            }
            if (REDIRECTS.contains(head.status())) {
                String location = head.field("location");
                if (location == null) {
                    throw new UpstreamException(Reason.BAD_REDIRECT, host,
                            "status " + head.status() + " without a Location header");
                }
                return new Hop(null, location);
            }
            throw new UpstreamException(Reason.BAD_STATUS, host, "status " + head.status());
        } catch (UpstreamException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw new UpstreamException(Reason.TIMEOUT, host, "no complete answer within " + timeout.toMillis()
                    + " ms", e);
        } catch (SSLException e) {
            throw new UpstreamException(Reason.TLS, host, e.getMessage(), e);
        } catch (IOException e) {
            throw new UpstreamException(Reason.CONNECT_FAILED, host, "the connection broke: " + e.getMessage(), e);
        } finally {
            // The plain socket, not the TLS one: no close_notify to send, nothing that could block.
            closeQuietly(socket);
        }
    }

    private List<InetAddress> resolve(String host, Deadline deadline) throws UpstreamException {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (IOException e) {
            throw new UpstreamException(Reason.UNRESOLVABLE, host, "the host name does not resolve: "
                    + e.getMessage(), e);
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new UpstreamException(Reason.UNRESOLVABLE, host, "the host name has no addresses");
        }
        for (InetAddress address : addresses) {
            String forbidden = AddressRules.reason(address);
            if (forbidden != null) {
                throw new UpstreamException(Reason.FORBIDDEN_ADDRESS, host, "resolves to "
                        + address.getHostAddress() + " (" + forbidden + ")");
            }
        }
        deadline.remainingMillis(host); // a slow look-up uses up the deadline too
        return addresses;
    }

    private Socket connect(String host, List<InetAddress> addresses, Deadline deadline) throws UpstreamException {
        IOException last = null;
        for (InetAddress address : addresses) {
            int millis = (int) Math.min(connectTimeout.toMillis(), deadline.remainingMillis(host));
            try {
                return Objects.requireNonNull(connector.connect(new InetSocketAddress(address, HTTPS_PORT), millis),
                        "the connector returned no socket");
            } catch (IOException e) {
                last = e;
            }
        }
        deadline.remainingMillis(host);
        throw new UpstreamException(Reason.CONNECT_FAILED, host, "no connection to any of its " + addresses.size()
                + " addresses: " + (last == null ? "" : last.getMessage()), last);
    }

    private byte[] request(Target target, String accept) {
        return ("GET " + target.requestTarget() + " HTTP/1.1\r\n"
                + "Host: " + target.host() + "\r\n"
                + "User-Agent: " + userAgent + "\r\n"
                + "Accept: " + accept + "\r\n"
                + "Accept-Encoding: identity\r\n"
                + "Connection: close\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }

    private static String requirePrintable(String what, String value) {
        if (!PRINTABLE.matcher(Objects.requireNonNull(value, what)).matches()) {
            throw new IllegalArgumentException(what + " must be printable ASCII without line breaks: '" + value
                    + "'");
        }
        return value;
    }

    /** The end of one fetch, redirects included. */
    private record Deadline(long endNanos, Duration total) {
        /** Milliseconds left, at least 1, for a socket timeout; TIMEOUT once the deadline has passed. */
        int remainingMillis(String host) throws UpstreamException {
            long left = endNanos - System.nanoTime();
            if (left <= 0) {
                throw new UpstreamException(Reason.TIMEOUT, host, "no complete answer within " + total.toMillis()
                        + " ms");
            }
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    /** Status code and header fields (names lower-cased, repeated fields joined with ", "). */
    private record Head(int status, Map<String, String> fields) {
        @Nullable String field(String name) {
            return fields.get(name);
        }
    }

    /**
     * Reads one HTTP/1.1 response from the TLS socket through its own buffer, setting the socket's read timeout to
     * the time left before every read, so that the deadline holds however slowly the bytes come.
     */
    private static final class ResponseReader {
        private final SSLSocket socket;
        private final InputStream in;
        private final String host;
        private final Deadline deadline;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        ResponseReader(SSLSocket socket, String host, Deadline deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.host = host;
            this.deadline = deadline;
        }

        /** Status line and header fields, skipping interim 1xx responses; at most 32 KB in all. */
        Head readHead() throws IOException {
            int budget = MAX_HEADER_BYTES;
            while (true) {
                String statusLine = readLine(budget, "header section");
                budget -= statusLine.length() + 2;
                Matcher status = STATUS_LINE.matcher(statusLine);
                if (!status.matches()) {
                    throw malformed("the status line is not HTTP/1.x");
                }
                Map<String, String> fields = new HashMap<>();
                for (String line; !(line = readLine(budget, "header section")).isEmpty(); ) {
                    budget -= line.length() + 2;
                    int colon = line.indexOf(':');
                    if (colon <= 0 || !FIELD_NAME.matcher(line.substring(0, colon)).matches()) {
                        throw malformed("malformed header field");
                    }
                    String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                    String value = line.substring(colon + 1).strip();
                    fields.merge(name, value, (a, b) -> a + ", " + b);
                }
                budget -= 2;
                int code = Integer.parseInt(status.group(1));
                if (code == 101) {
                    throw malformed("unexpected status 101");
                }
                if (code >= 200) {
                    return new Head(code, fields);
                }
            }
        }

        byte[] readBody(Head head, long maxBytes) throws IOException {
            String contentEncoding = head.field("content-encoding");
            if (contentEncoding != null && !contentEncoding.equalsIgnoreCase("identity")) {
                throw malformed("Content-Encoding " + contentEncoding + " although only identity was accepted");
            }
            String transferEncoding = head.field("transfer-encoding");
            if (transferEncoding != null) {
                if (!transferEncoding.equalsIgnoreCase("chunked")) {
                    throw malformed("unsupported Transfer-Encoding " + transferEncoding);
                }
                return readChunked(maxBytes);
            }
            String contentLength = head.field("content-length");
            if (contentLength == null) {
                return readUntilClose(maxBytes);
            }
            if (!contentLength.matches("[0-9]{1,18}")) {
                throw malformed("malformed Content-Length");
            }
            long length = Long.parseLong(contentLength);
            if (length > maxBytes) {
                throw tooLarge("Content-Length " + length, maxBytes);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            copy(length, body);
            return body.toByteArray();
        }

        private byte[] readChunked(long maxBytes) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String line = readLine(MAX_CHUNK_LINE, "chunk size line");
                int semicolon = line.indexOf(';'); // chunk extensions are ignored
                String size = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
                if (!size.matches("[0-9A-Fa-f]{1,15}")) {
                    throw malformed("malformed chunk size");
                }
                long length = Long.parseLong(size, 16);
                if (length == 0) {
                    break;
                }
                if (body.size() + length > maxBytes) {
                    throw tooLarge("the chunked body", maxBytes);
                }
                copy(length, body);
                if (!readLine(MAX_CHUNK_LINE, "chunk").isEmpty()) {
                    throw malformed("a chunk is longer than its size");
                }
            }
            int budget = MAX_HEADER_BYTES;
            for (String trailer; !(trailer = readLine(budget, "trailer section")).isEmpty(); ) {
                budget -= trailer.length() + 2;
            }
            return body.toByteArray();
        }

        private byte[] readUntilClose(long maxBytes) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (fillIfEmpty()) {
                if (body.size() + (limit - position) > maxBytes) {
                    throw tooLarge("the body", maxBytes);
                }
                body.write(buffer, position, limit - position);
                position = limit;
            }
            return body.toByteArray();
        }

        private void copy(long length, ByteArrayOutputStream to) throws IOException {
            for (long left = length; left > 0; ) {
                if (!fillIfEmpty()) {
                    throw malformed("the body ended after " + (length - left) + " of " + length + " bytes");
                }
                int n = (int) Math.min(left, limit - position);
                to.write(buffer, position, n);
                position += n;
                left -= n;
            }
        }

        /** A line without its CRLF (or bare LF), as ISO-8859-1. */
        private String readLine(int maxBytes, String what) throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (!fillIfEmpty()) {
                    throw malformed("the connection closed in the " + what);
                }
                int b = buffer[position++] & 0xff;
                if (b == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() >= maxBytes) {
                    throw malformed("the " + what + " is longer than " + maxBytes + " bytes");
                }
                line.append((char) b);
            }
        }

        /** Makes sure the buffer holds unread bytes; false at the end of the stream. */
        private boolean fillIfEmpty() throws IOException {
            if (position < limit) {
                return true;
            }
            socket.setSoTimeout(deadline.remainingMillis(host));
            int n = in.read(buffer);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        private UpstreamException malformed(String detail) {
            return new UpstreamException(Reason.MALFORMED_RESPONSE, host, detail);
        }

        private UpstreamException tooLarge(String what, long maxBytes) {
            return new UpstreamException(Reason.TOO_LARGE, host, what + " exceeds the limit of " + maxBytes
                    + " bytes");
        }
    }

    /**
     * Configures an {@link UpstreamClient}; every setting has a default. Not thread-safe; a builder can build
     * several clients.
     */
    public static final class Builder {
        private HostResolver resolver = HostResolver.SYSTEM;
        private Connector connector = Connector.DIRECT;
        private @Nullable SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration timeout = Duration.ofSeconds(5);
        private int maxRedirects = 3;
        private String userAgent = "EmbedConsent-Preview/1";

        private Builder() {}

        /** How host names become addresses; default {@link HostResolver#SYSTEM}. */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** How checked addresses are connected; default {@link Connector#DIRECT}. */
        public Builder connector(Connector connector) {
            this.connector = Objects.requireNonNull(connector, "connector");
            return this;
        }

        /** Trust and TLS settings; default {@link SSLContext#getDefault()}, the JDK's trusted CAs. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /** The longest wait for one TCP connection, at least 1 ms; default 2 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositive("connectTimeout", connectTimeout);
            return this;
        }

        /** The total deadline of one {@link #get} call, redirects included, at least 1 ms; default 5 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = requirePositive("timeout", timeout);
            return this;
        }

        /** How many redirects one fetch follows, 0 to 10; default 3. */
        public Builder maxRedirects(int maxRedirects) {
            if (maxRedirects < 0 || maxRedirects > 10) {
                throw new IllegalArgumentException("maxRedirects must be 0 to 10, got " + maxRedirects);
            }
            this.maxRedirects = maxRedirects;
            return this;
        }

        /** The {@code User-Agent} header, printable ASCII; default {@code EmbedConsent-Preview/1}. */
        public Builder userAgent(String userAgent) {
            this.userAgent = requirePrintable("userAgent", userAgent);
            return this;
        }

        /** @throws IllegalStateException if no SSL context was set and the JDK has no default one */
        public UpstreamClient build() {
            try {
                return new UpstreamClient(this, sslContext != null ? sslContext : SSLContext.getDefault());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK offers no default SSLContext; set one with sslContext()",
                        e);
            }
        }

        private static Duration requirePositive(String what, Duration duration) {
            if (Objects.requireNonNull(duration, what).toMillis() < 1) {
                throw new IllegalArgumentException(what + " must be at least 1 ms, got " + duration);
            }
            return duration;
        }
    }
}
