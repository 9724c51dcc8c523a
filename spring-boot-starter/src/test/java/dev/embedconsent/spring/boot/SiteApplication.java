package dev.embedconsent.spring.boot;

import static org.springframework.security.config.Customizer.withDefaults;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * The Boot application the starter's integration tests run: Spring MVC pages on embedded Tomcat, Spring Security in
 * front of {@code /private/**} (with its CSRF protection on, as in a real application), and Spring's
 * {@code ShallowEtagHeaderFilter} ordered outside the consent filter, as the README tells. The consent filter itself
 * comes only from the starter.
 */
@SpringBootApplication
class SiteApplication {
    static final String EMBED = "<iframe width=\"560\" height=\"315\" "
            + "src=\"https://www.youtube.com/embed/kU1_gDqGmQk\" "
            + "title=\"Ukrainian representatives visit the ECMI in Flensburg\" frameborder=\"0\" allowfullscreen>"
            + "</iframe>";
    static final String PAGE = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Visit</title>"
            + "</head>\n<body><h1>Delegation visit</h1>\n" + EMBED + "\n<p>end of page</p></body></html>\n";

    /** The JDBC starter is on the tests' class path for the PostgreSQL test; the others run without a database. */
    static final String NO_DATABASE =
            "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/private/**").authenticated()
                        .anyRequest().permitAll())
                .httpBasic(withDefaults())
                // Security's default "Cache-Control: no-store" would keep the ETag filter from tagging public pages
                .headers(headers -> headers.cacheControl(cache -> cache.disable()))
                .build();
    }

    /** Outside the consent filter (a lower order), so its ETag is computed over the rewritten page. */
    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> etagFilter() {
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration =
                new FilterRegistrationBean<>(new ShallowEtagHeaderFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @RestController
    static class Pages {
        @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8")
        String home() {
            return PAGE;
        }

        @GetMapping(path = "/private/page", produces = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8")
        String privatePage() {
            return PAGE;
        }
    }
}
