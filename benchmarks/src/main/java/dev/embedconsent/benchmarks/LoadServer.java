package dev.embedconsent.benchmarks;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded container on {@code 127.0.0.1} and a free port, with ONE servlet mapped at every prefix given
 * ({@code /plain/*}, {@code /filtered/*}, ...) and each filter mapped only at its own prefix (REQUEST, FORWARD and
 * ASYNC, as the filter's documentation asks). Container settings are the defaults, except that Tomcat keeps a
 * connection open for any number of requests (its default closes it after 100), as Jetty does.
 */
abstract class LoadServer {
    final String name;

    private LoadServer(String name) {
        this.name = name;
    }

    static LoadServer named(String name) {
        return switch (name) {
            case "jetty" -> new Jetty();
            case "tomcat" -> new TomcatServer();
            default -> throw new IllegalArgumentException("unknown container " + name + " (jetty or tomcat)");
        };
    }

    /** Starts serving; returns the port. */
    abstract int start(HttpServlet servlet, List<String> prefixes, Map<String, Filter> filters, Path work)
            throws Exception;

    abstract String version();

    /** Stops serving. */
    abstract void stop() throws Exception;

    private static final class Jetty extends LoadServer {
        private Server server;

        Jetty() {
            super("jetty");
        }

        @Override
        int start(HttpServlet servlet, List<String> prefixes, Map<String, Filter> filters, Path work)
                throws Exception {
            server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            ServletHolder holder = new ServletHolder("pages", servlet);
            for (String prefix : prefixes) {
                context.addServlet(holder, prefix + "/*");
            }
            filters.forEach((prefix, filter) -> context.addFilter(new FilterHolder(filter), prefix + "/*",
                    EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.ASYNC)));
            server.setHandler(context);
            server.start();
            return connector.getLocalPort();
        }

        @Override
        String version() {
            return "Jetty " + org.eclipse.jetty.util.Jetty.VERSION + " (ee10)";
        }

        @Override
        void stop() throws Exception {
            if (server != null) {
                server.stop();
            }
        }
    }

    private static final class TomcatServer extends LoadServer {
        private Tomcat tomcat;

        TomcatServer() {
            super("tomcat");
        }

        @Override
        int start(HttpServlet servlet, List<String> prefixes, Map<String, Filter> filters, Path work)
                throws Exception {
            tomcat = new Tomcat();
            Path base = Files.createDirectories(work.resolve("tomcat"));
            tomcat.setBaseDir(base.toString());
            tomcat.setHostname("127.0.0.1");
            tomcat.setPort(0);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            tomcat.getConnector().setProperty("maxKeepAliveRequests", "-1");
            StandardContext context = (StandardContext) tomcat.addContext("",
                    Files.createDirectories(base.resolve("docs")).toString());
            // the leak checks at stop only warn that they need --add-opens; nothing leaks in a benchmark
            context.setClearReferencesRmiTargets(false);
            context.setClearReferencesThreadLocals(false);
            StandardJarScanner scanner = new StandardJarScanner();
            scanner.setScanClassPath(false);
            scanner.setScanManifest(false);
            context.setJarScanner(scanner);
            Tomcat.addServlet(context, "pages", servlet);
            for (String prefix : prefixes) {
                context.addServletMapping(prefix + "/*", "pages");
            }
            int n = 0;
            for (Map.Entry<String, Filter> e : filters.entrySet()) {
                String filterName = "embed-consent-" + n++;
                FilterDef def = new FilterDef();
                def.setFilterName(filterName);
                def.setFilter(e.getValue());
                def.setAsyncSupported("true");
                context.addFilterDef(def);
                FilterMap map = new FilterMap();
                map.setFilterName(filterName);
                map.addURLPattern(e.getKey() + "/*");
                map.setDispatcher(DispatcherType.REQUEST.name());
                map.setDispatcher(DispatcherType.FORWARD.name());
                map.setDispatcher(DispatcherType.ASYNC.name());
                context.addFilterMap(map);
            }
            tomcat.start();
            return tomcat.getConnector().getLocalPort();
        }

        @Override
        String version() {
            return "Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber();
        }

        @Override
        void stop() throws Exception {
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }
}
