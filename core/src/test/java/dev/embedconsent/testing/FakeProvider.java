package dev.embedconsent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.embedconsent.preview.Connector;
import dev.embedconsent.preview.HostResolver;
import dev.embedconsent.preview.UpstreamClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A fake embed provider for preview-fetch tests: one HTTPS server on {@code 127.0.0.1} ({@code HttpsServer}) that
 * answers for several host names, with a self-signed certificate for exactly those names (made by the JDK's
 * {@code keytool} once per set of names and JVM). {@link UpstreamClient} reaches it through {@link #resolver()},
 * which maps each name to a documentation address ({@code 203.0.113.10}, {@code .11}, ...) that
 * {@link dev.embedconsent.preview.AddressRules} allows, and {@link #connector()}, which routes those addresses to the
 * loopback port; {@link #sslContext()} trusts only the fake's certificate.
 *
 * <pre>{@code
 * try (FakeProvider provider = FakeProvider.start("i.ytimg.com")) {
 *     provider.on("i.ytimg.com", "/vi/x/hqdefault.jpg", Handler.ok("image/jpeg", jpeg));
 *     UpstreamResponse r = provider.client().get(URI.create("https://i.ytimg.com/vi/x/hqdefault.jpg"),
 *             "i.ytimg.com"::equals, "image/*", 100_000);
 *     assertEquals(1, provider.requests("i.ytimg.com", "/vi/x/hqdefault.jpg"));
 * }
 * }</pre>
 *
 * <p>The {@code Host} header picks the virtual host; unknown paths get 404. A host given a
 * {@linkplain #onRaw raw response} is served instead by a plain TLS socket that writes those bytes verbatim, for
 * responses {@code HttpsServer} cannot produce (a body delimited by the end of the connection, chunk extensions,
 * trailers, malformed HTTP). Thread-safe; {@link #close()} stops both servers and their threads.
 */
public final class FakeProvider implements AutoCloseable {

    /** Answers one request on the {@code HttpsServer}; the factories cover the usual cases. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws IOException;

        /** A response with {@code Content-Length} ({@code contentType} may be null for none). */
        static Handler respond(int status, @Nullable String contentType, byte[] body) {
            byte[] copy = body.clone();
            return exchange -> {
                if (contentType != null) {
                    exchange.getResponseHeaders().set("Content-Type", contentType);
                }
                exchange.sendResponseHeaders(status, copy.length == 0 ? -1 : copy.length);
                if (copy.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(copy);
                    }
                }
            };
        }

        static Handler ok(String contentType, byte[] body) {
            return respond(200, contentType, body);
        }

        /** A 200 response in chunked transfer coding, one chunk per {@code chunkSize} bytes (at most 4096). */
        static Handler chunked(String contentType, byte[] body, int chunkSize) {
            byte[] copy = body.clone();
            return exchange -> {
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < copy.length; i += chunkSize) {
                        out.write(copy, i, Math.min(chunkSize, copy.length - i));
                        out.flush();
                    }
                }
            };
        }

        /** A 200 response announcing {@code length} bytes, then sending one byte per {@code interval}. */
        static Handler trickle(String contentType, int length, Duration interval) {
            return exchange -> {
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, length);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < length; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(interval.toMillis());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        }

        /**
         * A 200 response of {@code length} zero bytes, with {@code Content-Length} or chunked, written as fast as the
         * client takes them; {@code written} counts the bytes the server got rid of.
         */
        static Handler stream(String contentType, long length, boolean announceLength, AtomicLong written) {
            return exchange -> {
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, announceLength ? length : 0);
                byte[] block = new byte[16 * 1024];
                try (OutputStream out = exchange.getResponseBody()) {
                    for (long sent = 0; sent < length; ) {
                        int n = (int) Math.min(block.length, length - sent);
                        out.write(block, 0, n);
                        sent += n;
                        written.addAndGet(n);
                    }
                }
            };
        }

        static Handler redirect(int status, String location) {
            return exchange -> {
                exchange.getResponseHeaders().set("Location", location);
                exchange.sendResponseHeaders(status, -1);
            };
        }
    }

    private static final char[] PASSWORD = "fake-provider".toCharArray();
    private static final String ALIAS = "fake";
    private static final Map<List<String>, byte[]> KEYSTORES = new ConcurrentHashMap<>();

    private final Map<String, InetAddress> addresses;
    private final SSLContext clientContext;
    private final HttpsServer server;
    private final ServerSocket rawServer;
    private final ExecutorService executor;
    private final Map<String, Map<String, Handler>> routes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Handler>> prefixRoutes = new ConcurrentHashMap<>();
    private final Map<String, byte[]> rawResponses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requestCounts = new ConcurrentHashMap<>();
    private final List<InetAddress> connected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong rawBytesWritten = new AtomicLong();
    private volatile Map<String, List<String>> lastRequestHeaders = Map.of();

    private FakeProvider(Map<String, InetAddress> addresses, SSLContext clientContext, HttpsServer server,
            ServerSocket rawServer, ExecutorService executor) {
        this.addresses = addresses;
        this.clientContext = clientContext;
        this.server = server;
        this.rawServer = rawServer;
        this.executor = executor;
    }

    /** Starts the servers for these host names, which the certificate names and the resolver knows. */
    public static FakeProvider start(String... hostNames) throws IOException {
        if (hostNames.length == 0 || hostNames.length > 200) {
            throw new IllegalArgumentException("give 1 to 200 host names, got " + hostNames.length);
        }
        Map<String, InetAddress> addresses = new LinkedHashMap<>();
        for (String name : hostNames) {
            byte[] address = {(byte) 203, 0, 113, (byte) (10 + addresses.size())};
            addresses.put(name.toLowerCase(Locale.ROOT), InetAddress.getByAddress(name, address));
        }
        KeyStore keyStore = keyStore(List.copyOf(addresses.keySet()));
        SSLContext serverContext;
        SSLContext clientContext;
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, PASSWORD);
            serverContext = SSLContext.getInstance("TLS");
            serverContext.init(keys.getKeyManagers(), null, null);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(ALIAS, keyStore.getCertificate(ALIAS));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, trust.getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for the fake provider", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-provider-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        InetAddress loopback = InetAddress.getLoopbackAddress();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(loopback, 0), 64);
        ServerSocket rawServer = serverContext.getServerSocketFactory().createServerSocket(0, 64, loopback);
        FakeProvider provider = new FakeProvider(Map.copyOf(addresses), clientContext, server, rawServer, executor);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/", provider::serve);
        server.setExecutor(executor);
        server.start();
        executor.execute(provider::acceptRaw);
        return provider;
    }

    /** Trusts the fake's certificate and nothing else. */
    public SSLContext sslContext() {
        return clientContext;
    }

    /** Maps each host name of the fake to its documentation address; other names are unknown. */
    public HostResolver resolver() {
        return host -> {
            InetAddress address = addresses.get(host);
            if (address == null) {
                throw new UnknownHostException(host + ": not a host of the fake provider");
            }
            return List.of(address);
        };
    }

    /** The documentation address the resolver gives {@code host}. */
    public InetAddress address(String host) {
        InetAddress address = addresses.get(host);
        if (address == null) {
            throw new IllegalArgumentException("not a host of the fake provider: " + host);
        }
        return address;
    }

    /**
     * Routes the fake's addresses on port 443 to its loopback port; any other address is refused. Every address it
     * is asked for is recorded, see {@link #connectedAddresses()}.
     */
    public Connector connector() {
        return (address, timeoutMillis) -> {
            connected.add(address.getAddress());
            String host = addresses.entrySet().stream().filter(e -> e.getValue().equals(address.getAddress()))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (host == null || address.getPort() != 443) {
                throw new ConnectException("the fake provider does not listen at " + address);
            }
            int port = rawResponses.containsKey(host) ? rawServer.getLocalPort() : server.getAddress().getPort();
            return Connector.DIRECT.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    timeoutMillis);
        };
    }

    /** The addresses {@link #connector()} was asked to connect to, in order. */
    public List<InetAddress> connectedAddresses() {
        synchronized (connected) {
            return List.copyOf(connected);
        }
    }

    /** A client builder preset with this fake's resolver, connector and SSL context. */
    public UpstreamClient.Builder clientBuilder() {
        return UpstreamClient.builder().resolver(resolver()).connector(connector()).sslContext(clientContext);
    }

    /** A client with this fake's resolver, connector and SSL context, otherwise the defaults. */
    public UpstreamClient client() {
        return clientBuilder().build();
    }

    /** Answers {@code GET pathAndQuery} (such as {@code /oembed?url=x}, as sent) on virtual host {@code host}. */
    public FakeProvider on(String host, String pathAndQuery, Handler handler) {
        routes.computeIfAbsent(knownHost(host), h -> new ConcurrentHashMap<>()).put(pathAndQuery, handler);
        return this;
    }

    /**
     * Answers every {@code GET} whose path and query (as sent) start with {@code prefix} on virtual host
     * {@code host}, such as {@code /vi/} for every video's still; a route given by {@link #on} for the exact path
     * wins, and among prefixes the longest.
     */
    public FakeProvider onPrefix(String host, String prefix, Handler handler) {
        prefixRoutes.computeIfAbsent(knownHost(host), h -> new ConcurrentHashMap<>()).put(prefix, handler);
        return this;
    }

    /** Removes the route of {@link #on} (or {@link #onPrefix}) for exactly this path; later requests get 404. */
    public FakeProvider remove(String host, String pathAndQuery) {
        routes.getOrDefault(knownHost(host), Map.of()).remove(pathAndQuery);
        prefixRoutes.getOrDefault(host, Map.of()).remove(pathAndQuery);
        return this;
    }

    /**
     * Answers every connection for {@code host}, whatever the request, with exactly these bytes (status line,
     * header fields and body), then closes it.
     */
    public FakeProvider onRaw(String host, byte[] response) {
        rawResponses.put(knownHost(host), response.clone());
        return this;
    }

    /** How many requests for {@code pathAndQuery} arrived with {@code Host: host}. */
    public int requests(String host, String pathAndQuery) {
        AtomicInteger count = requestCounts.get(host + " " + pathAndQuery);
        return count == null ? 0 : count.get();
    }

    /** All requests so far, for any host and path. */
    public int requests() {
        return requestCounts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** How many bytes of raw responses the raw server got out before the clients hung up. */
    public long rawBytesWritten() {
        return rawBytesWritten.get();
    }

    /** The header fields of the latest request, names lower-cased, in name order; empty before the first. */
    public Map<String, List<String>> lastRequestHeaders() {
        return lastRequestHeaders;
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            rawServer.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        executor.shutdownNow();
    }

    private String knownHost(String host) {
        address(host);
        return host;
    }

    private void record(@Nullable String hostHeader, String pathAndQuery, Map<String, List<String>> headers) {
        String host = hostHeader == null ? "" : hostHeader.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
        Map<String, List<String>> lowerCased = new TreeMap<>();
        headers.forEach((name, values) -> lowerCased.computeIfAbsent(name.toLowerCase(Locale.ROOT),
                n -> new ArrayList<>()).addAll(values));
        lowerCased.replaceAll((name, values) -> List.copyOf(values));
        lastRequestHeaders = Collections.unmodifiableMap(lowerCased);
        requestCounts.computeIfAbsent(host + " " + pathAndQuery, k -> new AtomicInteger()).incrementAndGet();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            String query = exchange.getRequestURI().getRawQuery();
            String pathAndQuery = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
            record(host, pathAndQuery, exchange.getRequestHeaders());
            Handler handler = host == null ? null
                    : route(host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT), pathAndQuery);
            if (handler == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            handler.handle(exchange);
        }
    }

    private @Nullable Handler route(String host, String pathAndQuery) {
        Handler exact = routes.getOrDefault(host, Map.of()).get(pathAndQuery);
        if (exact != null) {
            return exact;
        }
        Handler handler = null;
        int longest = -1;
        for (Map.Entry<String, Handler> prefix : prefixRoutes.getOrDefault(host, Map.of()).entrySet()) {
            if (pathAndQuery.startsWith(prefix.getKey()) && prefix.getKey().length() > longest) {
                handler = prefix.getValue();
                longest = prefix.getKey().length();
            }
        }
        return handler;
    }

    private void acceptRaw() {
        while (!rawServer.isClosed()) {
            try {
                Socket socket = rawServer.accept();
                executor.execute(() -> serveRaw(socket));
            } catch (IOException | RejectedExecutionException e) {
                return; // closed
            }
        }
    }

    private void serveRaw(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            String[] lines = readRequestHead(socket.getInputStream()).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon), n -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
            List<String> host = headers.getOrDefault("Host", List.of());
            record(host.isEmpty() ? null : host.get(0), requestLine.length > 1 ? requestLine[1] : "", headers);
            String hostName = host.isEmpty() ? "" : host.get(0).toLowerCase(Locale.ROOT);
            byte[] response = rawResponses.getOrDefault(hostName,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < response.length; i += 16 * 1024) {
                int n = Math.min(16 * 1024, response.length - i);
                out.write(response, i, n);
                rawBytesWritten.addAndGet(n);
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client went away or sent no request; nothing to answer
        }
    }

    private static String readRequestHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0; // how much of CR LF CR LF has been seen
        while (state < 4 && head.size() < 65_536) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended early");
            }
            head.write(b);
            state = b == "\r\n\r\n".charAt(state) ? state + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static KeyStore keyStore(List<String> hosts) throws IOException {
        byte[] pkcs12;
        try {
            pkcs12 = KEYSTORES.computeIfAbsent(hosts.stream().sorted().toList(), FakeProvider::generateKeyStore);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(new ByteArrayInputStream(pkcs12), PASSWORD);
            return keyStore;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the fake provider's key store", e);
        }
    }

    /** Runs {@code keytool -genkeypair} for an EC P-256 key and a 2-day self-signed certificate naming the hosts. */
    private static byte[] generateKeyStore(List<String> hosts) {
        try {
            Path dir = Files.createTempDirectory("fake-provider");
            Path file = dir.resolve("keystore.p12");
            try {
                String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
                List<String> command = List.of(keytool, "-genkeypair", "-alias", ALIAS, "-keyalg", "EC",
                        "-groupname", "secp256r1", "-validity", "2", "-storetype", "PKCS12",
                        "-keystore", file.toString(), "-storepass", new String(PASSWORD),
                        "-keypass", new String(PASSWORD), "-dname", "CN=" + hosts.get(0),
                        "-ext", "SAN=dns:" + String.join(",dns:", hosts));
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IOException("keytool failed for " + hosts + ": " + output);
                }
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
