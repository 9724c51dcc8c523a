package dev.embedconsent.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** An embedded servlet container for the integration tests: started on a free port of 127.0.0.1. */
interface ServletContainer extends AutoCloseable {
    /** Starts the root context set up by {@code setup}, with these error pages; returns the base URI. */
    default URI start(ServletContainerInitializer setup, Map<Integer, String> errorPages, Path workDirectory)
            throws Exception {
        return start(setup, errorPages, workDirectory, "");
    }

    /**
     * Starts the context at {@code contextPath} ({@code ""} for the root, else like {@code /shop}) set up by
     * {@code setup}; returns the server's base URI, without the context path.
     */
    URI start(ServletContainerInitializer setup, Map<Integer, String> errorPages, Path workDirectory,
            String contextPath) throws Exception;

    @Override
    void close() throws Exception;

    static ServletContainer named(String name) {
        return switch (name) {
            case "jetty" -> new JettyContainer();
            case "tomcat" -> new TomcatContainer();
            default -> throw new IllegalArgumentException("unknown container " + name);
        };
    }
}
