package dev.embedconsent.servlet;

import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.html.RewriteSession;
import dev.embedconsent.provider.Provider;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The visitor's consent, asked from a controller, a template or a JSON API: which providers this visitor allowed,
 * and placeholders for embeds that never pass through the filter.
 *
 * <pre>{@code
 * EmbedConsent consent = EmbedConsent.from(request);
 * if (consent.granted("youtube")) { ... }                  // a provider id, or "host:videos.example.org"
 * Set<String> allowed = consent.grantedProviders();        // e.g. [vimeo, youtube]
 *
 * // an embed in a JSON answer, or in HTML a script inserts: a placeholder unless the visitor allowed it
 * String html = consent.forPage("/news/visit").placeholder("<iframe src=\"https://www.youtube.com/embed/...\"></iframe>");
 * }</pre>
 *
 * <p>The answers are the filter's own: the signed {@code ec_consent} cookie verified with the filter's keys (a
 * missing, forged, expired or unreadable cookie is no consent, never an exception), the consent still held by the
 * store at the provider's current notice version, and a "load once" grant the filter would honour on this request.
 * They are computed once per request, on first use.
 *
 * <p>{@link #placeholder(String)} runs the fragment through the filter's rewriter, with the filter's catalogue,
 * placeholder texts, preview images, trusted hosts, CSP nonce and base path, and with the fragment read as content of
 * a page's {@code <body>}: its output is what the filter would send for a page whose body is that fragment, in the
 * default rendering mode ({@code render-consented=server}). Embeds of providers the visitor allowed stay as they are;
 * every other embed becomes a placeholder with the original kept inert in a {@code <template>}, preceded (once per
 * fragment) by the stylesheet link and activation script. Because the result differs by visitor, a response that
 * carries it must not be stored by shared caches ({@code Cache-Control: private}, {@code Vary: Cookie}); and HTML
 * that the filter rewrites anyway (a page it serves) needs no call, the filter does it.
 *
 * <p>Reachable wherever the filter is started in the web application: on a request the filter saw (also an excluded
 * path, a forward or an include) it is that filter's; on another request of the same web application it is the
 * started filter's (the last one started, if an application starts several). Thread-safe; bound to one request.
 */
public final class EmbedConsent {
    /**
     * Attribute, on a request the filter saw and on the {@link ServletContext} while the filter runs, that holds the
     * started filter's shared state; internal, read by {@link #from}.
     */
    static final String RUNTIME_ATTRIBUTE = EmbedConsent.class.getName() + ".RUNTIME";
    /** Request attribute that keeps this request's answers, so that repeated {@link #from} calls look up once. */
    private static final String INSTANCE_ATTRIBUTE = EmbedConsent.class.getName() + ".INSTANCE";
    private static final String BODY = "<body>";

    private final ConsentRuntime runtime;
    private final HttpServletRequest request;
    /** Lazily computed, once, then immutable. */
    private final Set<String> granted;
    private final String page;
    private final @Nullable String language;
    /** The number of this request's next fragment placeholder, shared by {@link #inLanguage}/{@link #forPage} copies. */
    private final AtomicInteger nextIndex;

    private EmbedConsent(ConsentRuntime runtime, HttpServletRequest request, Set<String> granted, String page,
            @Nullable String language, AtomicInteger nextIndex) {
        this.nextIndex = nextIndex;
        this.runtime = runtime;
        this.request = request;
        this.granted = granted;
        this.page = page;
        this.language = language;
    }

    /**
     * The consent of the visitor who sent {@code request}.
     *
     * @throws IllegalStateException when no {@link EmbedConsentFilter} is started in this web application (or it
     *     failed to start); the message says how to register it
     */
    public static EmbedConsent from(HttpServletRequest request) {
        Objects.requireNonNull(request, "request");
        ConsentRuntime runtime = runtimeOf(request);
        if (request.getAttribute(INSTANCE_ATTRIBUTE) instanceof EmbedConsent known && known.runtime == runtime) {
            return known;
        }
        EmbedConsent consent = new EmbedConsent(runtime, request,
                PageContext.lazyConsent(() -> runtime.consentedProviders(request)),
                ConsentRuntime.pagePath(request), null, new AtomicInteger(firstFragmentIndex()));
        request.setAttribute(INSTANCE_ATTRIBUTE, consent);
        return consent;
    }

    private static ConsentRuntime runtimeOf(HttpServletRequest request) {
        if (request.getAttribute(RUNTIME_ATTRIBUTE) instanceof ConsentRuntime seen) {
            return seen;
        }
        ServletContext context = request.getServletContext();
        if (context != null && context.getAttribute(RUNTIME_ATTRIBUTE) instanceof ConsentRuntime started) {
            return started;
        }
        throw new IllegalStateException("EmbedConsent.from(request): no EmbedConsentFilter is running in this web "
                + "application" + (context == null ? "" : " (context path '" + context.getContextPath() + "')")
                + ". Register dev.embedconsent.servlet.EmbedConsentFilter (web.xml, ServletContext.addFilter or "
                + "Spring Boot's FilterRegistrationBean; see the README, 'Adding the filter to a web app'), map it to "
                + "/*, and check the log for an error from its init()");
    }

    /**
     * Whether the visitor allowed this provider's embeds on this request.
     *
     * @param providerId a provider id of the filter's catalogue (e.g. {@code youtube}), or {@code host:<host>} for a
     *     host no provider names (lower-case ASCII, IDNs as punycode)
     * @throws IllegalArgumentException for an id that is neither
     */
    public boolean granted(String providerId) {
        Objects.requireNonNull(providerId, "providerId");
        if (runtime.catalogue().get(providerId).isEmpty()) {
            throw new IllegalArgumentException("unknown provider id '" + providerId + "': use an id of the "
                    + "provider catalogue (e.g. youtube, vimeo, google-maps; see the README, 'Providers') or "
                    + Provider.HOST_PREFIX + "<host> for a lower-case host that no provider names");
        }
        return granted.contains(providerId);
    }

    /** The ids of the providers whose embeds this visitor sees on this request, sorted; empty without consent. */
    public Set<String> grantedProviders() {
        return Collections.unmodifiableSet(new TreeSet<>(granted));
    }

    /**
     * The same consent, with placeholders whose forms return to {@code path} after a click without JavaScript (by
     * default the path and query of this request, which for a JSON API is not the page the visitor sees). A path that
     * is not a same-origin path ({@code /...}) is replaced by {@code /} in the placeholder, as in the filter.
     */
    public EmbedConsent forPage(String path) {
        return new EmbedConsent(runtime, request, granted, Objects.requireNonNull(path, "path"), language, nextIndex);
    }

    /**
     * The same consent, with placeholder texts in this language (a tag such as {@code de} or {@code de-AT}; one
     * without texts falls back to the filter's {@code default-language}). By default a fragment, having no
     * {@code <html lang>}, gets the {@code default-language}.
     */
    public EmbedConsent inLanguage(String languageTag) {
        return new EmbedConsent(runtime, request, granted, page, Objects.requireNonNull(languageTag, "languageTag"),
                nextIndex);
    }

    /**
     * The fragment as the filter would send it to this visitor: each embed of a provider the visitor did not allow
     * replaced by its placeholder, everything else unchanged (see the class comment). A fragment without embeds, or
     * with only allowed ones, comes back as it was.
     *
     * @param embedHtml HTML as it would stand inside a page's {@code <body>}, e.g. an {@code <iframe>}
     */
    public String placeholder(String embedHtml) {
        Objects.requireNonNull(embedHtml, "embedHtml");
        int first = nextIndex.get();
        PageContext context = new PageContext(StandardCharsets.UTF_8, language, granted, page,
                EmbedListener.NONE, runtime.cspNonce(request), ConsentRuntime.siteHost(request), first);
        byte[] fragment = (BODY + embedHtml).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(fragment.length + 4096);
        RewriteSession session = runtime.openFragment(out, context);
        try (session) {
            session.write(fragment);
        } catch (IOException e) {
            throw new UncheckedIOException("rewriting into memory cannot fail", e);
        }
        // every placeholder takes one number: the next fragment of this request starts after them
        nextIndex.compareAndSet(first, first + session.embedsFound());
        String rewritten = out.toString(StandardCharsets.UTF_8);
        if (!rewritten.startsWith(BODY)) {
            throw new IllegalStateException("the rewriter changed the bytes before the fragment: " + rewritten);
        }
        return rewritten.substring(BODY.length());
    }

    /**
     * Where this request's fragment placeholders start numbering: a random number of at least 1,000,000, so the ids
     * of fragments from different requests inserted into one page (which numbers its own from 1) do not clash, with
     * odds of one in a billion per pair. Not a secret, so any random source will do.
     */
    private static int firstFragmentIndex() {
        return 1_000_000 + ThreadLocalRandom.current().nextInt(1_000_000_000);
    }

    /** Makes the started filter's state reachable from this request (called by the filter on every dispatch). */
    static void attach(ServletRequest request, ConsentRuntime runtime) {
        request.setAttribute(RUNTIME_ATTRIBUTE, runtime);
    }

    /** Makes the started filter's state reachable from every request of the web application. */
    static void publish(ServletContext context, ConsentRuntime runtime) {
        context.setAttribute(RUNTIME_ATTRIBUTE, runtime);
    }

    /** Removes what {@link #publish} set, unless another filter has published its own since. */
    static void unpublish(ServletContext context, ConsentRuntime runtime) {
        if (context.getAttribute(RUNTIME_ATTRIBUTE) == runtime) {
            context.removeAttribute(RUNTIME_ATTRIBUTE);
        }
    }
}
