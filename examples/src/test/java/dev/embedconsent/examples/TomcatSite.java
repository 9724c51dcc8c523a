package dev.embedconsent.examples;

import dev.embedconsent.servlet.RenderConsented;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** The demo site wired exactly as {@link DemoServer} wires it, but on embedded Tomcat 11. */
final class TomcatSite implements RunningSite {
    private final Tomcat tomcat;
    private final Connector connector;
    private final Path data;

    private TomcatSite(Tomcat tomcat, Connector connector, Path data) {
        this.tomcat = tomcat;
        this.connector = connector;
        this.data = data;
    }

    static TomcatSite start(Path data) throws Exception {
        return start(data, RenderConsented.SERVER);
    }

    static TomcatSite start(Path data, RenderConsented mode) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(data.resolveSibling(data.getFileName() + "-tomcat")).toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        addFilter(context, "strict-csp", new StrictCspFilter(), "/strict", DispatcherType.REQUEST);
        addFilter(context, "embed-consent", DemoServer.filter(data, mode), "/*", DispatcherType.REQUEST,
                DispatcherType.ASYNC, DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR);
        Tomcat.addServlet(context, "site", new SitePagesServlet());
        context.addServletMappingDecoded("/", "site");
        tomcat.start();
        return new TomcatSite(tomcat, connector, data);
    }

    private static void addFilter(Context context, String name, Filter filter, String pattern,
            DispatcherType... dispatches) {
        FilterDef definition = new FilterDef();
        definition.setFilterName(name);
        definition.setFilter(filter);
        context.addFilterDef(definition);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        map.addURLPattern(pattern);
        for (DispatcherType dispatch : dispatches) {
            map.setDispatcher(dispatch.name());
        }
        context.addFilterMap(map);
    }

    @Override
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + path);
    }

    @Override
    public Path dataDirectory() {
        return data;
    }

    @Override
    public String container() {
        return "Tomcat 11";
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }
}
