package dev.embedconsent.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12, ee10 environment. */
final class JettyContainer implements ServletContainer {
    private Server server;

    @Override
    public URI start(ServletContainerInitializer setup, Map<Integer, String> errorPages, Path workDirectory,
            String contextPath) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
        context.addServletContainerInitializer(setup);
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errorPages.forEach(errors::addErrorPage);
        context.setErrorHandler(errors);
        server.setHandler(context);
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }
}
