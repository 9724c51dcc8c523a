package dev.embedconsent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A static page server on a free port of {@code 127.0.0.1} for browser tests ({@code com.sun.net.httpserver}).
 * Unknown paths get {@code 404}. Thread-safe; pages can be added while it runs.
 *
 * <pre>{@code
 * try (LoopbackPages pages = LoopbackPages.start()) {
 *     pages.put("/a.html", "text/html; charset=utf-8", bytes);
 *     driver.get(pages.url("/a.html"));
 * }
 * }</pre>
 */
public final class LoopbackPages implements AutoCloseable {
    private record Page(String contentType, byte[] body) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final Set<String> served = ConcurrentHashMap.newKeySet();

    private LoopbackPages(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static LoopbackPages start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 32);
        ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "loopback-pages");
            thread.setDaemon(true);
            return thread;
        });
        LoopbackPages pages = new LoopbackPages(server, executor);
        server.createContext("/", pages::serve);
        server.setExecutor(executor);
        server.start();
        return pages;
    }

    /** Serves {@code body} at {@code path} (which starts with {@code /}). */
    public void put(String path, String contentType, byte[] body) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        pages.put(path, new Page(Objects.requireNonNull(contentType, "contentType"), body.clone()));
    }

    /** Whether a page at {@code path} was asked for since the server started. */
    public boolean served(String path) {
        return served.contains(path);
    }

    /** {@code http://127.0.0.1:PORT/path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            served.add(exchange.getRequestURI().getPath());
            Page page = pages.get(exchange.getRequestURI().getPath());
            if (page == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", page.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : page.body().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(page.body());
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
