package dev.embedconsent.examples;

import java.net.URI;
import java.nio.file.Path;

/** The demo site running in some servlet container for a test. */
interface RunningSite extends AutoCloseable {
    URI uri(String path);

    Path dataDirectory();

    /** Which container, for test names. */
    String container();

    @Override
    void close() throws Exception;
}
