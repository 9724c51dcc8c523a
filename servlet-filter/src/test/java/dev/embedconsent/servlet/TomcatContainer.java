package dev.embedconsent.servlet;

import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.scan.StandardJarScanner;

/** Tomcat 11, embedded. */
final class TomcatContainer implements ServletContainer {
    private Tomcat tomcat;

    @Override
    public URI start(ServletContainerInitializer setup, Map<Integer, String> errorPages, Path workDirectory,
            String contextPath) throws Exception {
        tomcat = new Tomcat();
        Path base = Files.createDirectories(workDirectory.resolve("tomcat"));
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext(contextPath, Files.createDirectories(base.resolve("docs")).toString());
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        context.setJarScanner(scanner);
        context.addServletContainerInitializer(setup, null);
        // like every real web app: a default servlet, so requests to unmapped paths (the filter's endpoints) reach
        // the filter chain instead of being answered 404 by the mapper
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
        errorPages.forEach((code, location) -> {
            ErrorPage page = new ErrorPage();
            page.setErrorCode(code);
            page.setLocation(location);
            context.addErrorPage(page);
        });
        tomcat.start();
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
    }

    @Override
    public void close() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
