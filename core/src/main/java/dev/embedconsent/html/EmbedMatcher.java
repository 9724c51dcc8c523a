package dev.embedconsent.html;

import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.placeholder.Embed;
import dev.embedconsent.placeholder.PlaceholderMarkup;
import dev.embedconsent.provider.Attributes;
import dev.embedconsent.provider.EmbedMatch;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * The matching policy for one document, in one place: a start tag in HTML content goes through the
 * {@link MatchPrefilter} (unless a {@code <base>} makes relative URLs count), then the catalogue, with URLs resolved
 * against the base; a frame the catalogue does not claim is checked for an unknown third-party host (generic
 * blocking, which skips the prefilter); an SVG {@code <image>} or {@code <script>} in foreign content goes to the
 * catalogue as it is. A
 * match is reported to the listener, and unless the visitor consented to its provider it gets a placeholder: inert
 * for loaders and anything in the head, visible otherwise.
 */
final class EmbedMatcher {
    private final Page page;
    private final ElementNames names;
    private final CurrentTag tag;
    private final LineCounter lines;
    private final MatchPrefilter prefilter;
    /** By element id: frames checked for unknown third-party hosts; all false when generic blocking is off. */
    private final boolean[] unknownFrameCheck;

    EmbedMatcher(Page page, ElementNames names, CurrentTag tag, LineCounter lines) {
        this.page = page;
        this.names = names;
        this.tag = tag;
        this.lines = lines;
        this.prefilter = page.rewriter.prefilter();
        this.unknownFrameCheck = page.rewriter.unknownFrameElements();
    }

    /**
     * The placeholder for the start tag {@code [start, end)} (or the part of it read) when it is an embed to
     * neutralize, else null.
     *
     * @param htmlContent whether the tag went through the HTML rules; else it is in foreign content
     */
    @Nullable PlaceholderMarkup match(int id, boolean htmlContent, boolean inHead, long start, long end) {
        if (htmlContent && rulesOut(id, start, end)) {
            return null;
        }
        URI base = page.base();
        boolean frame = htmlContent && unknownFrameCheck[id];
        Attributes attrs = tag.attributes(start, end);
        EmbedMatch match;
        if (htmlContent) {
            // The tree builder turns <image> into an img.
            String element = id == names.image ? "img" : names.name(id);
            Attributes resolved = base == null ? attrs : new BaseResolvedAttributes(attrs, base);
            match = page.rewriter.catalogue().match(element, resolved);
            if (match == null && frame) {
                match = page.rewriter.catalogue().matchUnknownFrame(element, resolved, page.rewriter.trustedHosts(),
                        page.siteHost());
            }
        } else {
            match = page.rewriter.catalogue().match(names.name(id), attrs);
        }
        if (match == null) {
            return null;
        }
        page.embedFound();
        if (consented(match, start)) {
            return null;
        }
        Embed embed = embed(match, attrs);
        boolean inert = htmlContent && (inHead || names.is(id, ElementNames.LOADER));
        return inert ? page.rewriter.renderer().inertMarkup(embed) : page.rewriter.renderer().markup(embed);
    }

    /**
     * Whether the start tag {@code [start, end)} in HTML content certainly does not match: the {@link MatchPrefilter}
     * says so, no {@code <base>} makes relative URLs count, and it is no frame checked for an unknown host.
     */
    boolean rulesOut(int id, long start, long end) {
        return page.base() == null && !unknownFrameCheck[id]
                && !prefilter.mayMatch(id, tag.bytes(start, end), tag.offset(), tag.tokenizer());
    }

    /** Tells the listener; true when the visitor consented to the provider, so the embed stays live. */
    private boolean consented(EmbedMatch match, long start) {
        boolean consented = page.context.consentedProviders().contains(match.provider().id());
        if (lines.counting()) {
            long line = 1 + lines.lineBreaksBefore(start);
            page.context.listener().onEmbed(
                    new FoundEmbed(match.provider().id(), match.element(), match.url(), line, !consented));
        }
        return consented;
    }

    private Embed embed(EmbedMatch match, Attributes attrs) {
        String title = attrs.get("title");
        if (title == null || title.isBlank()) {
            title = attrs.get("aria-label");
        }
        if (title == null || title.isBlank()) {
            title = attrs.get("alt");
        }
        return new Embed(page.nextIndex(), match.provider(), match.element(), match.url(),
                title == null || title.isBlank() ? null : title.strip(), attrs.get("width"), attrs.get("height"),
                page.language(), page.context.path());
    }
}
