package dev.embedconsent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP proxy on {@code 127.0.0.1} that records where a browser tries to go and refuses every request with
 * {@code 502}: the test machines have no internet, and a test only needs to know that a connection was attempted.
 * It sees {@code CONNECT host:port} (HTTPS, WebSocket over TLS) and absolute-URI requests ({@code GET http://host/}).
 *
 * <pre>{@code
 * try (LoggingProxy proxy = LoggingProxy.start();
 *      HeadlessChromium chromium = HeadlessChromium.start(proxy)) {
 *     chromium.driver().get(pageUrl);
 *     assertEquals(List.of(), proxy.contacted(List.of("youtube.com", "*.youtube.com")));
 * }
 * }</pre>
 *
 * Thread-safe: the browser connects from many sockets at once while the test reads {@link #requests()}.
 */
public final class LoggingProxy implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LoggingProxy.class.getName());
    private static final int MAX_HEAD = 16 * 1024;

    /**
     * One request the proxy saw.
     *
     * @param method {@code CONNECT}, {@code GET}, ...
     * @param host lowercase host name (no brackets for IPv6)
     * @param port the port, {@code 443} or {@code 80} when the request did not say
     * @param target the request target as sent, e.g. {@code www.youtube.com:443} or {@code http://example.org/x}
     */
    public record ProxiedRequest(String method, String host, int port, String target) {}

    private final ServerSocket server;
    private final ExecutorService workers;
    private final Set<String> ignoredHosts;
    private final List<ProxiedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ProxiedRequest> ignored = new CopyOnWriteArrayList<>();

    private LoggingProxy(ServerSocket server, Set<String> ignoredHosts) {
        this.server = server;
        this.ignoredHosts = ignoredHosts;
        this.workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "logging-proxy");
            thread.setDaemon(true);
            return thread;
        });
        workers.execute(this::acceptLoop);
    }

    /**
     * Starts a proxy on a free port of {@code 127.0.0.1} that keeps requests to the browser's own service hosts
     * ({@link HeadlessChromium#BROWSER_SERVICE_HOSTS}) apart in {@link #ignored()}, so they never count as page
     * traffic.
     */
    public static LoggingProxy start() throws IOException {
        return start(HeadlessChromium.BROWSER_SERVICE_HOSTS);
    }

    /** Starts a proxy that files requests to exactly these (lowercase) hosts under {@link #ignored()}. */
    public static LoggingProxy start(Set<String> ignoredHosts) throws IOException {
        Set<String> ignoring = Set.copyOf(Objects.requireNonNull(ignoredHosts, "ignoredHosts"));
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        return new LoggingProxy(server, ignoring);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}, the value for Chromium's {@code --proxy-server}. */
    public String address() {
        return "http://127.0.0.1:" + port();
    }

    /** Requests to ignored hosts (the browser's own background services), in arrival order. */
    public List<ProxiedRequest> ignored() {
        return List.copyOf(ignored);
    }

    /** Every request seen so far, except those to ignored hosts, in arrival order. */
    public List<ProxiedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The host of every request seen so far, in arrival order, duplicates kept. */
    public List<String> hosts() {
        List<String> hosts = new ArrayList<>();
        for (ProxiedRequest request : requests) {
            hosts.add(request.host());
        }
        return hosts;
    }

    /**
     * The requests whose host matches one of {@code hostPatterns}: {@code example.com} matches exactly,
     * {@code *.example.com} matches any subdomain (not the bare domain).
     */
    public List<ProxiedRequest> contacted(Collection<String> hostPatterns) {
        Objects.requireNonNull(hostPatterns, "hostPatterns");
        List<ProxiedRequest> hits = new ArrayList<>();
        for (ProxiedRequest request : requests) {
            for (String pattern : hostPatterns) {
                if (hostMatches(request.host(), pattern)) {
                    hits.add(request);
                    break;
                }
            }
        }
        return hits;
    }

    /** Whether {@code host} matches {@code pattern} ({@code name} or {@code *.name}), ignoring case. */
    public static boolean hostMatches(String host, String pattern) {
        String h = host.toLowerCase(Locale.ROOT);
        String p = pattern.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            return h.endsWith(p.substring(1));
        }
        return h.equals(p);
    }

    /** Forgets what was recorded, e.g. between two page loads. */
    public void clear() {
        requests.clear();
        ignored.clear();
    }

    @Override
    public void close() throws IOException {
        server.close();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                workers.execute(() -> handle(socket));
            } catch (SocketException closed) {
                return;
            } catch (IOException | RuntimeException e) {
                if (server.isClosed()) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "logging proxy: accept failed", e);
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            String requestLine = head.lines().findFirst().orElse("");
            String[] parts = requestLine.split(" ");
            if (parts.length >= 2) {
                record(parts[0], parts[1]);
            }
            byte[] body = "no internet here: refused by the test's logging proxy\n".getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException ignored) {
            // The browser gave up on this connection; what it asked for is already recorded.
        }
    }

    private void record(String method, String target) {
        String host;
        int port;
        if ("CONNECT".equalsIgnoreCase(method)) {
            int colon = target.lastIndexOf(':');
            boolean hasPort = colon > 0 && target.indexOf(']') < colon;
            host = hasPort ? target.substring(0, colon) : target;
            port = hasPort ? parsePort(target.substring(colon + 1), 443) : 443;
        } else {
            URI uri;
            try {
                uri = URI.create(target);
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "logging proxy: unparsable target " + target);
                return;
            }
            if (uri.getHost() == null) {
                return;
            }
            host = uri.getHost();
            port = uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        ProxiedRequest request =
                new ProxiedRequest(method.toUpperCase(Locale.ROOT), host.toLowerCase(Locale.ROOT), port, target);
        (ignoredHosts.contains(request.host()) ? ignored : requests).add(request);
    }

    private static int parsePort(String text, int fallback) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
