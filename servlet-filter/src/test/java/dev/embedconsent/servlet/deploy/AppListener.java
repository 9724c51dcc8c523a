package dev.embedconsent.servlet.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * An application's own {@code ServletContextListener} that registers {@code EmbedConsentFilter} programmatically
 * (name {@value #FILTER_NAME}, {@code data-dir} from the context parameter {@code app.data-dir}), compiled by the test
 * with the JDK's compiler so that the container loads it from the WAR like any application class.
 */
final class AppListener {
    static final String CLASS_NAME = "app.RegistersEmbedConsent";
    static final String FILTER_NAME = "appEmbedConsent";
    /** Name of the web fragment of {@link #fragmentJar}. */
    static final String FRAGMENT_NAME = "app_registration";

    private static final String SOURCE = """
            package app;

            import dev.embedconsent.servlet.EmbedConsentFilter;
            import jakarta.servlet.DispatcherType;
            import jakarta.servlet.FilterRegistration;
            import jakarta.servlet.ServletContext;
            import jakarta.servlet.ServletContextEvent;
            import jakarta.servlet.ServletContextListener;
            import java.util.EnumSet;

            public class RegistersEmbedConsent implements ServletContextListener {
                @Override
                public void contextInitialized(ServletContextEvent event) {
                    ServletContext context = event.getServletContext();
                    FilterRegistration.Dynamic filter = context.addFilter("%s", EmbedConsentFilter.class);
                    filter.setInitParameter("data-dir", context.getInitParameter("app.data-dir"));
                    filter.setAsyncSupported(true);
                    filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                            DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR), false, "/*");
                }
            }
            """.formatted(FILTER_NAME);

    private AppListener() {}

    /** The compiled class file. */
    static byte[] compile(Path work) throws IOException {
        Path sources = Files.createDirectories(work.resolve("app-src/app"));
        Path classes = Files.createDirectories(work.resolve("app-classes"));
        Path source = sources.resolve("RegistersEmbedConsent.java");
        Files.writeString(source, SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, errors, errors, "--release", "17", "-classpath",
                System.getProperty("java.class.path"), "-d", classes.toString(), source.toString());
        if (status != 0) {
            throw new IllegalStateException("the application listener does not compile:\n"
                    + errors.toString(StandardCharsets.UTF_8));
        }
        return Files.readAllBytes(classes.resolve("app/RegistersEmbedConsent.class"));
    }

    /** A jar whose web fragment {@value #FRAGMENT_NAME} declares the listener. */
    static Path fragmentJar(Path work, byte[] classFile) throws IOException {
        Path jar = work.resolve("app-registration.jar");
        String fragment = """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-fragment xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <name>%s</name>
                  <listener><listener-class>%s</listener-class></listener>
                </web-fragment>
                """.formatted(FRAGMENT_NAME, CLASS_NAME);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            put(out, "META-INF/web-fragment.xml", fragment.getBytes(StandardCharsets.UTF_8));
            put(out, "app/RegistersEmbedConsent.class", classFile);
        }
        return jar;
    }

    private static void put(JarOutputStream out, String path, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(path));
        out.write(content);
        out.closeEntry();
    }
}
