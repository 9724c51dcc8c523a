package org.example.news;

import dev.embedconsent.servlet.EmbedConsent;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A news site with one video; Embed Consent comes from the starter and two lines of application.properties. */
@SpringBootApplication
@RestController
public class NewsApplication {
    static final String PAGE = "<!DOCTYPE html><html lang=\"en\"><head><title>Visit</title></head><body>"
            + "<h1>Delegation visit</h1><iframe width=\"560\" height=\"315\" "
            + "src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\" title=\"Delegation visit\"></iframe>"
            + "</body></html>";

    public static void main(String[] args) {
        SpringApplication.run(NewsApplication.class, args);
    }

    @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
    String home() {
        return PAGE;
    }

    @GetMapping(value = "/admin/preview", produces = MediaType.TEXT_HTML_VALUE)
    String adminPreview() {
        return PAGE;
    }

    @GetMapping(value = "/my-consent", produces = MediaType.TEXT_PLAIN_VALUE)
    String myConsent(HttpServletRequest request) {
        return "youtube=" + EmbedConsent.from(request).granted("youtube");
    }
}
