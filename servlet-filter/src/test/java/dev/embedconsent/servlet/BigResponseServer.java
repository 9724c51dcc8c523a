package dev.embedconsent.servlet;

import java.net.URI;
import java.nio.file.Path;

/**
 * Runs {@link TestSite} in a child JVM (started with {@code -Xmx64m} by the big-stream test) and prints
 * {@code READY <uri>}; it serves until the parent destroys the process.
 */
public final class BigResponseServer {
    private BigResponseServer() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[1]);
        EmbedConsentFilter filter = EmbedConsentFilter.builder()
                .dataDirectory(data.resolve("data"))
                .hmacKeys(FilterContainerContract.KEY)
                .build();
        ServletContainer container = ServletContainer.named(args[0]);
        URI base = container.start(new TestSite(filter), FilterContainerContract.ERROR_PAGES, data);
        System.out.println("READY " + base);
        System.out.flush();
        Thread.currentThread().join();
    }
}
