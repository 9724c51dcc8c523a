package dev.embedconsent.consent;

import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the caller knows about one decision, before the service adds the provider's notice, the time and the
 * expiry. There is deliberately no field for an IP address, a user agent or any other identifier: the subject is
 * the random {@link SubjectId} from the visitor's cookie.
 *
 * <pre>{@code
 * ConsentRequest request = ConsentRequest.of(subject, "youtube")
 *         .withScope(Scope.ONCE).withMethod(ConsentMethod.FORM).withPage("/news/visit").withLanguage("de")
 *         .withGpc(true);   // the request carried Sec-GPC: 1; recorded, never read as consent
 * }</pre>
 *
 * @param subject the pseudonymous visitor
 * @param provider provider id, e.g. {@code youtube}
 * @param scope {@code once} or {@code provider}
 * @param method how the decision arrived
 * @param language language of the notice the visitor saw, e.g. {@code en}, or {@code null}
 * @param page path of the page (query and fragment are dropped, they may hold personal data), or {@code null}
 * @param gpc whether the request carried {@code Sec-GPC: 1}
 */
public record ConsentRequest(
        SubjectId subject,
        String provider,
        Scope scope,
        ConsentMethod method,
        @Nullable String language,
        @Nullable String page,
        boolean gpc) {

    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,4}");
    private static final int MAX_PAGE_LENGTH = 2048;

    /**
     * @throws IllegalArgumentException if the language is not a language tag or the page is not an absolute path
     */
    public ConsentRequest {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(method, "method");
        if (language != null && !LANGUAGE.matcher(language).matches()) {
            throw new IllegalArgumentException("language must be a language tag such as 'en' or 'de-AT', got '"
                    + abbreviate(language) + "'");
        }
        if (page != null) {
            int cut = indexOfAny(page, '?', '#');
            if (cut >= 0) {
                page = page.substring(0, cut);
            }
            if (!page.startsWith("/") || page.startsWith("//") || page.length() > MAX_PAGE_LENGTH) {
                throw new IllegalArgumentException("page must be a path on this site starting with '/' (at most "
                        + MAX_PAGE_LENGTH + " characters), got '" + abbreviate(page) + "'");
            }
        }
    }

    /** A request with scope {@code provider}, method {@code api}, no language, no page and no GPC signal. */
    public static ConsentRequest of(SubjectId subject, String provider) {
        return new ConsentRequest(subject, provider, Scope.PROVIDER, ConsentMethod.API, null, null, false);
    }

    public ConsentRequest withScope(Scope newScope) {
        return new ConsentRequest(subject, provider, newScope, method, language, page, gpc);
    }

    public ConsentRequest withMethod(ConsentMethod newMethod) {
        return new ConsentRequest(subject, provider, scope, newMethod, language, page, gpc);
    }

    public ConsentRequest withLanguage(@Nullable String newLanguage) {
        return new ConsentRequest(subject, provider, scope, method, newLanguage, page, gpc);
    }

    public ConsentRequest withPage(@Nullable String newPage) {
        return new ConsentRequest(subject, provider, scope, method, language, newPage, gpc);
    }

    public ConsentRequest withGpc(boolean newGpc) {
        return new ConsentRequest(subject, provider, scope, method, language, page, newGpc);
    }

    private static int indexOfAny(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        if (i < 0) {
            return j;
        }
        return j < 0 ? i : Math.min(i, j);
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "…";
    }
}
