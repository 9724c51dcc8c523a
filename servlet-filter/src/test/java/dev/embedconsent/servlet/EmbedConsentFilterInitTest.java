package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.consent.ConsentRequest;
import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.JsonLinesConsentStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedConsentFilterInitTest {
    @TempDir
    Path data;

    static FilterConfig filterConfig(Map<String, String> params) {
        return filterConfig(params, new java.util.concurrent.ConcurrentHashMap<>());
    }

    /** A filter configuration whose servlet context keeps its attributes in {@code attributes}. */
    static FilterConfig filterConfig(Map<String, String> params, Map<String, Object> attributes) {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(
                EmbedConsentFilterInitTest.class.getClassLoader(), new Class<?>[] {ServletContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getContextPath" -> "/app";
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "removeAttribute" -> attributes.remove((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (FilterConfig) Proxy.newProxyInstance(EmbedConsentFilterInitTest.class.getClassLoader(),
                new Class<?>[] {FilterConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getInitParameter" -> params.get((String) args[0]);
                    case "getServletContext" -> context;
                    case "getFilterName" -> "embed-consent";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void webXmlConstructorReadsInitParameters() throws ServletException {
        EmbedConsentFilter filter = new EmbedConsentFilter();
        assertThrows(IllegalStateException.class, filter::config, "no configuration before init");
        filter.init(filterConfig(Map.of("data-dir", data.toString(), "exclude", "/admin,/raw/**",
                "languages", "en,de")));
        try {
            assertEquals(data, filter.config().dataDirectory());
            assertEquals(List.of("/admin", "/raw/**"), filter.config().exclusions());
            assertEquals(List.of("en", "de"), filter.config().languages());
        } finally {
            filter.destroy();
        }
    }

    @Test
    void theStartedFilterIsReachableFromTheServletContextUntilItStops() throws ServletException {
        Map<String, Object> attributes = new java.util.concurrent.ConcurrentHashMap<>();
        EmbedConsentFilter filter = EmbedConsentFilter.builder().dataDirectory(data).build();
        filter.init(filterConfig(Map.of(), attributes));
        assertSame(filter.runtime(), attributes.get(EmbedConsent.RUNTIME_ATTRIBUTE));
        filter.destroy();
        assertEquals(Map.of(), attributes, "removed when the filter stops");
    }

    @Test
    void constructorConfigurationWinsOverInitParameters() throws ServletException {
        EmbedConsentFilter filter = EmbedConsentFilter.builder().dataDirectory(data).basePath("/ec").build();
        filter.init(filterConfig(Map.of("base-path", "/ignored")));
        try {
            assertEquals("/ec", filter.config().basePath());
        } finally {
            filter.destroy();
        }
    }

    @Test
    void unusableDataDirectoryFailsStartupNamingIt() throws Exception {
        Path file = java.nio.file.Files.writeString(data.resolve("not-a-directory"), "x");
        EmbedConsentFilter filter = new EmbedConsentFilter();
        ServletException e = assertThrows(ServletException.class,
                () -> filter.init(filterConfig(Map.of("data-dir", file.toString()))));
        assertTrue(e.getMessage().contains("embed-consent could not start") && e.getMessage().contains(file.toString()),
                e.getMessage());
    }

    @Test
    void badInitParameterFailsStartupNamingIt() {
        EmbedConsentFilter filter = new EmbedConsentFilter();
        ServletException e = assertThrows(ServletException.class,
                () -> filter.init(filterConfig(Map.of("consent-lifetime", "forever"))));
        assertTrue(e.getMessage().contains("consent-lifetime 'forever'"), e.getMessage());
    }

    @Test
    void givenConsentServiceIsSharedAndItsStoreStaysOpen() throws ServletException {
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(data.resolve("records"))) {
            ConsentService shared = ConsentService.builder(store, ProviderCatalogue.builtIn()).build();
            EmbedConsentFilter filter = EmbedConsentFilter.builder().dataDirectory(data).consentService(shared).build();
            filter.init(filterConfig(Map.of()));
            try {
                assertTrue(filter.runtime().consent() == shared, "the filter records with the given service");
            } finally {
                filter.destroy();
            }
            SubjectId visitor = SubjectId.random();
            shared.grant(ConsentRequest.of(visitor, "youtube"));
            assertTrue(shared.state(visitor).granted("youtube"), "the store is still open after the filter stopped");
        }
    }

    @Test
    void givenConsentServiceExcludesAJdbcStore() {
        try (JsonLinesConsentStore store = JsonLinesConsentStore.open(data)) {
            ConsentService shared = ConsentService.builder(store, ProviderCatalogue.builtIn()).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbedConsentFilter
                    .builder().consentService(shared).jdbc("jdbc:postgresql://localhost/x", null, null)
                    .option("hmac-key", "k1:" + "A".repeat(43)).buildConfig());
            assertTrue(e.getMessage().contains("consentService"), e.getMessage());
        }
    }
}
