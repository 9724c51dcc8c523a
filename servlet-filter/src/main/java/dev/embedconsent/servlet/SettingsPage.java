package dev.embedconsent.servlet;

import dev.embedconsent.consent.ConsentCookie;
import dev.embedconsent.consent.ConsentState;
import dev.embedconsent.consent.ProviderConsent;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.record.Decision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code GET {base}/settings}: a small HTML page listing the visitor's decisions, each granted one with a withdraw
 * button inside a plain form, so withdrawing works without JavaScript (the form posts to {@code {base}/consent} and
 * is redirected back here). No inline script or style; it links the bundled stylesheet and sends a strict CSP.
 * Its language is the best of {@code Accept-Language} among the configured languages (texts exist for en, de, uk;
 * other configured languages fall back to English texts). A frame host that no provider names
 * ({@code host:videos.example.org}) is listed by its host name, without a privacy-policy link.
 */
final class SettingsPage {
    static final List<String> SHIPPED_LANGUAGES = List.of("en", "de", "uk");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** Per shipped language, the page's texts, from {@code settings/settings_<lang>.properties}. */
    private static final Map<String, Map<String, String>> TEXTS = loadTexts();

    private static Map<String, Map<String, String>> loadTexts() {
        Map<String, Map<String, String>> texts = new HashMap<>();
        for (String language : SHIPPED_LANGUAGES) {
            String name = "settings/settings_" + language + ".properties";
            try (InputStream in = SettingsPage.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + name);
                }
                Properties properties = new Properties();
                properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                Map<String, String> map = new HashMap<>();
                properties.stringPropertyNames().forEach(key -> map.put(key, properties.getProperty(key)));
                texts.put(language, Map.copyOf(map));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }
        return Map.copyOf(texts);
    }

    private final ConsentRuntime runtime;
    private final List<String> languages;

    SettingsPage(ConsentRuntime runtime) {
        this.runtime = runtime;
        List<String> configured = runtime.config().languages();
        this.languages = configured.isEmpty() ? SHIPPED_LANGUAGES : configured;
    }

    List<String> languages() {
        return languages;
    }

    /** The first {@code Accept-Language} entry among the configured languages, else the default language. */
    String language(HttpServletRequest request) {
        if (request.getHeader("Accept-Language") != null) {
            for (Locale locale : Collections.list(request.getLocales())) {
                String code = locale.getLanguage();
                if (languages.contains(code)) {
                    return code;
                }
            }
        }
        return runtime.config().defaultLanguage();
    }

    void render(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requested = language(request);
        String language = TEXTS.containsKey(requested) ? requested : "en";
        Map<String, String> t = TEXTS.get(language);
        String base = request.getContextPath() + runtime.config().basePath();
        Optional<ConsentCookie> cookie = runtime.consentCookie(request);
        ConsentState state = cookie.map(c -> runtime.consent().state(c.subject())).orElse(null);

        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html lang=\"").append(escape(language)).append("\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(t.get("title"))).append("</title>\n")
                .append("<link rel=\"stylesheet\" href=\"").append(escape(base)).append("/embed-consent.css\">\n")
                .append("</head>\n<body>\n<main class=\"ec-settings\">\n")
                .append("<h1>").append(escape(t.get("title"))).append("</h1>\n")
                .append("<p>").append(escape(t.get("intro"))).append("</p>\n");
        if (state == null || state.providers().isEmpty()) {
            html.append("<p class=\"ec-settings-empty\">").append(escape(t.get("none"))).append("</p>\n");
        } else {
            html.append("<table>\n<caption>").append(escape(t.get("caption"))).append("</caption>\n<thead><tr>")
                    .append("<th scope=\"col\">").append(escape(t.get("provider"))).append("</th>")
                    .append("<th scope=\"col\">").append(escape(t.get("decision"))).append("</th>")
                    .append("<th scope=\"col\">").append(escape(t.get("since"))).append("</th>")
                    .append("<th scope=\"col\">").append(escape(t.get("until"))).append("</th>")
                    .append("<th scope=\"col\">").append(escape(t.get("action"))).append("</th>")
                    .append("</tr></thead>\n<tbody>\n");
            for (ProviderConsent consent : state.providers().values()) {
                row(html, t, base, consent);
            }
            html.append("</tbody>\n</table>\n");
        }
        html.append("<p><a href=\"").append(escape(CookieHeaders.contextPath(request))).append("\">")
                .append(escape(t.get("back"))).append("</a></p>\n</main>\n</body>\n</html>\n");

        byte[] bytes = html.toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/html;charset=utf-8");
        CacheHeaders.personal(response);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'; "
                + "base-uri 'none'; frame-ancestors 'self'");
        response.setHeader("Referrer-Policy", "same-origin");
        response.setContentLength(bytes.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(bytes);
        }
    }

    private void row(StringBuilder html, Map<String, String> t, String base, ProviderConsent consent) {
        Optional<Provider> provider = runtime.catalogue().get(consent.provider());
        String name = provider.map(Provider::name).orElse(consent.provider());
        html.append("<tr><th scope=\"row\">").append(escape(name));
        // an unknown host's stand-in has a name (the host) but no privacy policy: its address would mislead
        provider.filter(p -> !p.isUnknownHost()).ifPresent(p -> html.append(" <a class=\"ec-privacy\" href=\"").append(escape(p.privacyPolicyUrl()))
                .append("\" rel=\"noopener noreferrer\">").append(escape(t.get("privacy"))).append("</a>"));
        html.append("</th><td>").append(escape(t.get(consent.decision().jsonName())))
                .append("</td><td>").append(DATE.format(consent.timestamp()))
                .append("</td><td>").append(consent.decision() == Decision.GIVEN ? DATE.format(consent.expiry()) : "")
                .append("</td><td>");
        if (consent.granted()) {
            html.append("<form class=\"ec-settings-form\" method=\"post\" action=\"").append(escape(base))
                    .append("/consent\"><input type=\"hidden\" name=\"provider\" value=\"")
                    .append(escape(consent.provider())).append("\">")
                    .append("<input type=\"hidden\" name=\"decision\" value=\"withdraw\">")
                    .append("<input type=\"hidden\" name=\"scope\" value=\"provider\">")
                    .append("<input type=\"hidden\" name=\"return\" value=\"").append(escape(base))
                    .append("/settings\"><button type=\"submit\">").append(escape(t.get("withdraw"))).append(' ')
                    .append(escape(name)).append("</button></form>");
        }
        html.append("</td></tr>\n");
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
