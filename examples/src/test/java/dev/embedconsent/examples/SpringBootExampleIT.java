package dev.embedconsent.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.examples.springboot.SpringBootExample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The Spring Boot example really registers the filter: its page is rewritten and the endpoints answer. */
class SpringBootExampleIT {

    @Test
    void filterRegisteredThroughFilterRegistrationBeanRewritesPages() throws Exception {
        Path data = Files.createTempDirectory("embed-consent-boot");
        try (ConfigurableApplicationContext context = SpringApplication.run(SpringBootExample.class,
                "--server.port=0", "--server.address=127.0.0.1", "--embed-consent.data-dir=" + data,
                "--spring.main.banner-mode=off")) {
            String port = context.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("data-consent-provider=\"youtube\""), page.body());
            assertFalse(page.body().replaceAll("(?s)<template.*?</template>", "").contains("youtube.com/embed"),
                    "the embed only survives inside the inert template");
            assertTrue(page.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Cookie")),
                    () -> "Vary: Cookie on a consent-dependent page; headers " + page.headers().map());

            HttpResponse<String> script = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/embed-consent/embed-consent.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, script.statusCode());
            assertTrue(script.body().contains("template.ec-original"), "the activation script");
        }
    }
}
