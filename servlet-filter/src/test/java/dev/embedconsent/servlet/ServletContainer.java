package dev.embedconsent.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** An embedded servlet container for the integration tests: started on a free port of 127.0.0.1. */
interface ServletContainer extends AutoCloseable {
    /** Starts the root context set up by {@code setup}, with these error pages; returns the base URI. */
    URI start(ServletContainerInitializer setup, Map<Integer, String> errorPages, Path workDirectory) throws Exception;

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
