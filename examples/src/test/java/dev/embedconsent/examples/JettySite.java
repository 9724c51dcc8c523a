package dev.embedconsent.examples;

import dev.embedconsent.servlet.RenderConsented;
import java.net.URI;
import java.nio.file.Path;

/** The real {@link DemoServer} (Jetty 12 ee10) on a free loopback port. */
final class JettySite implements RunningSite {
    private final DemoServer server;

    private JettySite(DemoServer server) {
        this.server = server;
    }

    static JettySite start(Path data) throws Exception {
        return start(data, RenderConsented.SERVER);
    }

    static JettySite start(Path data, RenderConsented mode) throws Exception {
        return new JettySite(DemoServer.start(new DemoOptions("127.0.0.1", 0, data), mode));
    }

    @Override
    public URI uri(String path) {
        return server.uri(path);
    }

    @Override
    public Path dataDirectory() {
        return server.options().dataDirectory();
    }

    @Override
    public String container() {
        return "Jetty 12";
    }

    @Override
    public void close() {
        server.close();
    }
}
