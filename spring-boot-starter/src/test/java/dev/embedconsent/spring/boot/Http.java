package dev.embedconsent.spring.boot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small HTTP client for the tests: the JDK's, no cookie store, so every cookie is sent on purpose. */
final class Http {
    static final String SECRET = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    /** A cookie key in the filter's {@code id:base64url-secret} form; tests check that its secret is never logged. */
    static final String KEY = "t1:" + SECRET;

    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    /** A JSON consent post as the activation script sends it from the site's own page. */
    HttpResponse<String> postConsent(String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = request("/embed-consent/consent")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static Optional<String> setCookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst();
    }

    /** {@code name=value} of a {@code Set-Cookie}, for a {@code Cookie} header. */
    static String cookie(HttpResponse<?> response, String name) {
        String header = setCookie(response, name).orElseThrow(
                () -> new AssertionError("no Set-Cookie " + name + " in " + response.headers().map()));
        return header.substring(0, header.indexOf(';'));
    }

    /** A string member of a flat JSON answer. */
    static String jsonString(String json, String member) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(member) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no \"" + member + "\" in " + json);
        }
        return m.group(1);
    }

    /** The page with every inert {@code <template>} removed: what a browser would load. */
    static String live(String html) {
        return html.replaceAll("(?s)<template.*?</template>", "");
    }
}
