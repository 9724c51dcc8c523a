package dev.embedconsent.examples.springboot;

import dev.embedconsent.servlet.EmbedConsentFilter;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot 4 application (Jakarta Servlet 6.1, embedded Tomcat 11) with Embed Consent in front of every page.
 * The whole integration is the {@link #embedConsentFilter} bean; copy it into your own {@code @Configuration}:
 *
 * <pre>{@code
 * @Bean
 * FilterRegistrationBean<EmbedConsentFilter> embedConsentFilter() {
 *     var registration = new FilterRegistrationBean<>(EmbedConsentFilter.builder()
 *             .dataDirectory(Path.of("/var/lib/embed-consent")).build());
 *     registration.addUrlPatterns("/*");
 *     registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.FORWARD,
 *             DispatcherType.INCLUDE, DispatcherType.ERROR);
 *     return registration;
 * }
 * }</pre>
 *
 * Spring Boot is a {@code provided} dependency of the examples module, so the Jetty demo does not carry it; run this
 * example from an IDE, or start it in a test as {@code SpringBootExampleIT} does. Properties:
 * {@code embed-consent.data-dir} (default {@code embed-consent-data}) and Boot's own {@code server.port}.
 */
@SpringBootApplication
public class SpringBootExample {

    public static void main(String[] args) {
        SpringApplication.run(SpringBootExample.class, args);
    }

    /**
     * The filter on every path and dispatch. It runs early (after Boot's character-encoding filter), so filters that
     * compute ETags or compress bodies see the rewritten page, and the consent endpoints answer before app code.
     */
    @Bean
    FilterRegistrationBean<EmbedConsentFilter> embedConsentFilter(
            @Value("${embed-consent.data-dir:embed-consent-data}") String dataDirectory) {
        EmbedConsentFilter filter = EmbedConsentFilter.builder().dataDirectory(Path.of(dataDirectory)).build();
        FilterRegistrationBean<EmbedConsentFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName("embedConsent");
        registration.addUrlPatterns("/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.FORWARD,
                DispatcherType.INCLUDE, DispatcherType.ERROR);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
        return registration;
    }

    /** One page with an official YouTube embed, served by Spring MVC like any app page. */
    @RestController
    static class Pages {
        @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8")
        String home() {
            return """
                    <!DOCTYPE html>
                    <html lang="en"><head><meta charset="utf-8"><title>Spring Boot example</title></head>
                    <body><h1>Spring Boot example</h1>
                    <iframe width="560" height="315" src="https://www.youtube.com/embed/kU1_gDqGmQk" \
                    title="Ukrainian representatives visit the ECMI in Flensburg" frameborder="0" \
                    allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; \
                    web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>
                    <p><a href="/embed-consent/settings">Consent settings</a></p>
                    </body></html>
                    """;
        }
    }
}
