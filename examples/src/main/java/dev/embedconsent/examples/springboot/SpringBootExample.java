package dev.embedconsent.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot 4 application (Spring MVC on embedded Tomcat 11) with Embed Consent in front of every page, through the
 * starter alone: the dependency {@code embed-consent-spring-boot-starter} and two lines of
 * {@code application.properties}, no code.
 *
 * <pre>
 * embed-consent.data-dir=embed-consent-data
 * embed-consent.exclude=/admin/**
 * </pre>
 *
 * Spring Boot and the starter are {@code provided} dependencies of the examples module, so the Jetty demo does not
 * carry them; run this example from an IDE, or start it in a test as {@code SpringBootExampleIT} does. Boot's own
 * {@code server.port} sets the port.
 */
@SpringBootApplication
public class SpringBootExample {

    public static void main(String[] args) {
        SpringApplication.run(SpringBootExample.class, args);
    }

    /** A page with an official YouTube embed, served by Spring MVC like any application page. */
    @RestController
    static class Pages {
        static final String PAGE = """
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

        @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8")
        String home() {
            return PAGE;
        }

        /** The same page under {@code /admin}, which {@code embed-consent.exclude} leaves as it is. */
        @GetMapping(path = "/admin/preview", produces = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8")
        String adminPreview() {
            return PAGE;
        }
    }
}
