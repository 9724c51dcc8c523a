package dev.embedconsent.html;

import dev.embedconsent.internal.ByteScan;
import dev.embedconsent.internal.ElementNames;
import dev.embedconsent.internal.HtmlTokenizer;
import dev.embedconsent.internal.TokenHandler;
import dev.embedconsent.placeholder.Embed;
import dev.embedconsent.placeholder.PlaceholderMarkup;
import dev.embedconsent.provider.Attributes;
import dev.embedconsent.provider.EmbedMatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites one document (or the content of one {@code <noscript>}) in an ASCII-compatible encoding, bytes in and
 * bytes out. It tokenizes what arrives, plays the parts of the tree builder that decide how later bytes are
 * tokenized ({@link ForeignContent}, RAWTEXT and friends, {@code <noscript>}), and copies every byte through except
 * the matched embeds, which it holds until their end and writes inside a placeholder.
 *
 * <p>Only two things are buffered: a start tag in progress (up to {@code maxTagBytes}) and a matched embed (up to
 * {@code maxCandidateBytes}). Everything else is written in slices as large as the caller's chunks.
 *
 * <p>A {@code <noscript>} is RAWTEXT for the document (scripting is on), but its content is what a browser without
 * JavaScript parses as markup, so it goes through a second instance in scripting-off mode, which neutralizes embeds
 * there too.
 */
final class ByteRewriter implements TokenHandler {
    private static final byte[] NONE = new byte[0];
    private static final int TEXT_ELEMENTS = ElementNames.RCDATA_ELEMENT | ElementNames.RAWTEXT_ELEMENT
            | ElementNames.SCRIPT_ELEMENT | ElementNames.PLAINTEXT_ELEMENT;

    private final Page page;
    private final ElementNames names;
    private final HtmlTokenizer tokenizer;
    private final TagAttributes attributes;
    private final MatchPrefilter prefilter;
    /** Set by {@link #tagBytes}. */
    private int tagOffset;
    private ForeignContent foreign;
    /** Content of a noscript: scripting is off, and the head state is that of the noscript's position. */
    private final boolean noscriptContent;
    private boolean inHead;
    private boolean assetsWritten;

    private final byte[] tagName = new byte[ElementNames.MAX_LENGTH];

    // The chunk being tokenized, and the bytes kept from earlier chunks.
    private byte[] in = NONE;
    private int inFrom;
    private long inPos;
    private long position;
    /** Allocated when a tag or embed first spans two chunks. */
    private byte[] hold = NONE;
    private int holdLength;
    private long holdPos;
    /** Everything before this absolute position has been written (or handed to the noscript fragment). */
    private long emitted;
    /** The current tag outgrew the tag cap and is no longer buffered. */
    private boolean tagReleased;

    // The matched embed being held.
    private boolean holding;
    private long candidateStart;
    private int candidateId;
    private int candidateDepth;
    private boolean candidateIsText;
    private int templateDepth;
    private int[] neutralize = new int[4];
    private int neutralizeCount;
    private @Nullable PlaceholderMarkup placeholder;
    /** Whether the foreign content at the held embed's start comes back after it (its content is in a template). */
    private boolean restoreForeign;
    /** That foreign content; null when it was empty. */
    private @Nullable ForeignContent foreignBefore;

    private @Nullable ByteRewriter noscript;

    // Line numbers, counted only when a listener wants them.
    private final boolean countLines;
    private final long lineBase;
    private long countedTo;
    private long lineBreaks;
    private boolean crBefore;

    ByteRewriter(Page page, boolean noscriptContent, boolean inHead, long lineBase) {
        this.page = page;
        this.names = page.rewriter.names();
        this.noscriptContent = noscriptContent;
        this.inHead = inHead;
        this.lineBase = lineBase;
        this.countLines = page.context.listener() != EmbedListener.NONE;
        this.tokenizer = new HtmlTokenizer(names, this);
        this.attributes = new TagAttributes(page.sourceCharset);
        this.prefilter = page.rewriter.prefilter();
        this.foreign = new ForeignContent(names);
        tokenizer.setTagCap(page.rewriter.maxTagBytes());
        tokenizer.trackText(inHead && !noscriptContent);
    }

    /** Takes the next bytes of the document. */
    void write(byte[] b, int off, int len) throws IOException {
        in = b;
        inFrom = off;
        inPos = position;
        int end = off + len;
        try {
            int i = off;
            do {
                i = tokenizer.feed(b, i, end, inPos + (i - off));
                long at = inPos + (i - off);
                if (tokenizer.tagCapReached()) {
                    tagCap(at);
                } else if (holding && at >= candidateStart + page.rewriter.maxCandidateBytes()) {
                    cut(at);
                }
            } while (i < end || tokenizer.tagCapReached());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        position = inPos + len;
        endOfChunk();
    }

    /** Ends the input: unfinished embeds are neutralized, everything else is written. */
    void finish() throws IOException {
        in = NONE;
        inFrom = 0;
        inPos = position;
        try {
            if (holding) {
                cut(position);
            } else if (tokenizer.pendingStartTag() >= 0 && !tagReleased) {
                unfinishedStartTag(position);
            }
            emitTo(position);
            endNoscript();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    // TokenHandler

    @Override
    public void startTag(HtmlTokenizer t, long start, long end) {
        boolean bytesAvailable = !tagReleased;
        tagReleased = false;
        int id = t.tagNameId();
        int flags = names.flags(id);
        if ((flags & ElementNames.NOTEWORTHY) == 0 && !inHead && !holding && foreign.isEmpty()) {
            // Most tags on a page (p, a, li, td, span, ...): nothing the rewriter does depends on them. Kept small so
            // that the JIT inlines it into the tokenizer.
            return;
        }
        noteworthyStartTag(t, id, flags, start, end, bytesAvailable);
    }

    private void noteworthyStartTag(HtmlTokenizer t, int id, int flags, long start, long end,
            boolean bytesAvailable) {
        boolean selfClosing = t.selfClosing();
        if (foreign.isEmpty() && !holding) {
            // The common case: HTML content, no embed held. The name's bytes are only needed to open svg or math.
            int nameLength = id == names.svg || id == names.math ? t.tagName(tagName) : 0;
            htmlStartTag(id, flags, start, end, selfClosing, bytesAvailable, nameLength);
            tokenizer.setForeignContent(foreign.currentIsForeign());
            return;
        }
        int nameLength = t.tagName(tagName);
        boolean html = foreign.htmlRulesFor(id);
        if (!html && (flags & ElementNames.BREAKOUT) != 0
                && (id != names.font || (bytesAvailable && fontBreaksOut(start, end)))) {
            foreign.breakOut();
            html = foreign.htmlRulesFor(id);
        }
        if (holding && id == candidateId && (flags & ElementNames.VOID) == 0) {
            candidateDepth++;
        }
        if (holding && id == names.template) {
            templateDepth++;
        }
        if (!html) {
            boolean htmlAnnotation = id == names.annotationXml && bytesAvailable && annotationIsHtml(start, end);
            foreign.foreignStartTag(tagName, nameLength, selfClosing, htmlAnnotation);
            boolean loadsInForeignContent = id == names.image || id == names.script;
            if (!holding && bytesAvailable && loadsInForeignContent && (flags & ElementNames.CANDIDATE) != 0) {
                foreignMatch(id, start, end, selfClosing);
            }
        } else {
            htmlStartTag(id, flags, start, end, selfClosing, bytesAvailable, nameLength);
        }
        tokenizer.setForeignContent(foreign.currentIsForeign());
    }

    private void htmlStartTag(int id, int flags, long start, long end, boolean selfClosing, boolean bytesAvailable,
            int nameLength) {
        if (inHead && !noscriptContent && (tokenizer.sawText() || (flags & ElementNames.HEAD_CONTENT) == 0)) {
            inHead = false;
            tokenizer.trackText(false);
        }
        if (id == names.html && bytesAvailable && !page.documentLanguageSeen()) {
            page.documentLanguage(attributesOf(start, end).get("lang"));
        }
        if (id == names.base && bytesAvailable && !page.baseSeen()) {
            page.base(attributesOf(start, end).get("href"));
        }
        boolean claimed = false;
        if (!holding && bytesAvailable && (flags & ElementNames.CANDIDATE) != 0) {
            claimed = match(id, start, end);
        }
        if ((flags & TEXT_ELEMENTS) != 0) {
            if ((flags & ElementNames.RCDATA_ELEMENT) != 0) {
                tokenizer.switchTo(HtmlTokenizer.RCDATA, id);
            } else if ((flags & ElementNames.RAWTEXT_ELEMENT) != 0 && !(id == names.noscript && noscriptContent)) {
                tokenizer.switchTo(HtmlTokenizer.RAWTEXT, id);
            } else if ((flags & ElementNames.SCRIPT_ELEMENT) != 0) {
                tokenizer.switchTo(HtmlTokenizer.SCRIPT_DATA, id);
            } else if ((flags & ElementNames.PLAINTEXT_ELEMENT) != 0) {
                tokenizer.switchTo(HtmlTokenizer.PLAINTEXT, id);
            }
        }
        if (claimed) {
            candidateIsText = (flags & (ElementNames.RCDATA_ELEMENT | ElementNames.RAWTEXT_ELEMENT
                    | ElementNames.SCRIPT_ELEMENT)) != 0;
            if ((flags & ElementNames.VOID) != 0) {
                finishCandidate(end);
            }
        }
        if (id == names.noscript && !noscriptContent && !holding) {
            emitTo(end);
            noscript = new ByteRewriter(page, true, inHead, lineBreaksBefore(end));
        }
        foreign.htmlStartTag(id, tagName, nameLength, selfClosing);
    }

    @Override
    public void endTag(HtmlTokenizer t, long start, long end) {
        tagReleased = false;
        if (noscript == null && !holding && foreign.isEmpty()) {
            // Outside foreign content, a noscript and a held embed, no end tag changes what follows.
            return;
        }
        int id = t.tagNameId();
        int nameLength = t.tagName(tagName);
        if (noscript != null && id == names.noscript) {
            emitTo(start);
            endNoscript();
        }
        if (!foreign.isEmpty()) {
            foreign.endTag(id, tagName, nameLength, names.is(id, ElementNames.TABLE_SCOPE_END));
        }
        if (holding) {
            if (id == names.template) {
                if (templateDepth == 0) {
                    addNeutralization((int) (start - candidateStart));
                } else {
                    templateDepth--;
                }
            }
            if (candidateIsText || (id == candidateId && --candidateDepth == 0)) {
                finishCandidate(end);
            }
        }
        tokenizer.setForeignContent(foreign.currentIsForeign());
    }

    // Embeds

    /**
     * An SVG {@code <image href>} or {@code <script href>}, which load in foreign content too. It is neutralized with a
     * visible placeholder: an inert {@code <template>} only exists in HTML, and the placeholder's leading block
     * element takes the browser out of foreign content, so the element ends there and is held as a void one.
     */
    private void foreignMatch(int id, long start, long end, boolean selfClosing) {
        Attributes attrs = attributesOf(start, end);
        EmbedMatch match = page.rewriter.catalogue().match(names.name(id), attrs);
        if (match == null || !neutralizes(match, start)) {
            return;
        }
        emitTo(start);
        candidateStart = start;
        neutralizeCount = 0;
        templateDepth = 0;
        placeholder = page.rewriter.renderer().markup(embed(match, attrs));
        holding = true;
        restoreForeign = false;
        writePlaceholder(end, selfClosing ? "" : "</" + names.name(id) + ">");
        foreign.breakOut();
    }

    /** Asks the catalogue about a complete start tag; starts holding it when it is an embed to neutralize. */
    private boolean match(int id, long start, long end) {
        if (page.base() == null && !prefilter.mayMatch(id, tagBytes(start, end), tagOffset, tokenizer)) {
            return false;
        }
        Attributes attrs = attributesOf(start, end);
        EmbedMatch match = matchHtml(id, attrs);
        if (match == null) {
            return false;
        }
        if (!neutralizes(match, start)) {
            return false;
        }
        emitTo(start);
        holding = true;
        candidateStart = start;
        candidateId = id;
        candidateDepth = 1;
        candidateIsText = false;
        templateDepth = 0;
        neutralizeCount = 0;
        placeholder = render(match, attrs, id);
        foreignBefore = foreign.isEmpty() ? null : foreign.copy();
        restoreForeign = true;
        tokenizer.stopAt(start + page.rewriter.maxCandidateBytes());
        return true;
    }

    /**
     * The catalogue's match for an element in HTML content; for an {@code <iframe srcdoc>}, whose document loads with
     * the page, the first embed in that document.
     */
    private @Nullable EmbedMatch matchHtml(int id, Attributes tagAttributes) {
        URI base = page.base();
        Attributes attrs = base == null ? tagAttributes : new BaseResolvedAttributes(tagAttributes, base);
        EmbedMatch match = page.rewriter.catalogue().match(htmlElementName(id), attrs);
        if (match != null || id != names.iframe) {
            return match;
        }
        String srcdoc = attrs.get("srcdoc");
        if (srcdoc == null || srcdoc.isEmpty()) {
            return null;
        }
        FoundEmbed[] first = new FoundEmbed[1];
        PageContext inner = new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/",
                found -> first[0] = first[0] == null ? found : first[0], null);
        try {
            page.rewriter.rewrite(new ByteArrayInputStream(srcdoc.getBytes(StandardCharsets.UTF_8)),
                    OutputStream.nullOutputStream(), inner);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FoundEmbed found = first[0];
        if (found == null) {
            return null;
        }
        return page.rewriter.catalogue().get(found.provider())
                .map(provider -> new EmbedMatch(provider, "iframe", "srcdoc", found.url()))
                .orElse(null);
    }

    /** Tells the listener; false when the visitor consented to the provider, so the embed stays live. */
    private boolean neutralizes(EmbedMatch match, long start) {
        boolean consented = page.context.consentedProviders().contains(match.provider().id());
        if (countLines) {
            long line = 1 + lineBreaksBefore(start);
            page.context.listener().onEmbed(
                    new FoundEmbed(match.provider().id(), match.element(), match.url(), line, !consented));
        }
        return !consented;
    }

    /** The element a start tag creates in HTML content: the tree builder turns {@code <image>} into an img. */
    private String htmlElementName(int id) {
        return id == names.image ? "img" : names.name(id);
    }

    private PlaceholderMarkup render(EmbedMatch match, Attributes attrs, int id) {
        Embed embed = embed(match, attrs);
        boolean inert = inHead || names.is(id, ElementNames.LOADER);
        return inert ? page.rewriter.renderer().inertMarkup(embed) : page.rewriter.renderer().markup(embed);
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

    private void finishCandidate(long end) {
        writePlaceholder(end, "");
        tokenizer.stopAt(Long.MAX_VALUE);
    }

    /**
     * Ends the held embed at {@code at} before its end: a limit was reached or the input ended. Whatever token was in
     * progress is closed in the placeholder's template, so the rest of the page is read as it would have been after
     * the embed, and nothing of the embed stays live.
     */
    private void cut(long at) {
        StringBuilder closer = new StringBuilder(tokenizer.closer()).append(pendingElementCloser());
        closer.append("</template>".repeat(templateDepth));
        writePlaceholder(at, closer.toString());
        tokenizer.resetToData();
        tokenizer.stopAt(Long.MAX_VALUE);
        tokenizer.setForeignContent(foreign.currentIsForeign());
    }

    /** For a start tag in progress that will put the tokenizer in a text state: the end tag that leaves it. */
    private String pendingElementCloser() {
        if (tokenizer.pendingStartTag() < 0) {
            return "";
        }
        int id = tokenizer.tagNameId();
        if (!foreign.htmlRulesFor(id) || (id == names.noscript && noscriptContent)) {
            return "";
        }
        if (names.is(id, ElementNames.SCRIPT_ELEMENT)) {
            return " </script></script>";
        }
        if (names.is(id, ElementNames.RCDATA_ELEMENT | ElementNames.RAWTEXT_ELEMENT)) {
            return " </" + names.name(id) + ">";
        }
        return "";
    }

    private void writePlaceholder(long end, String closer) {
        PlaceholderMarkup p = placeholder;
        if (p == null) {
            throw new IllegalStateException("no embed held");
        }
        writeAssets();
        try {
            page.insertBefore(p);
            int from = 0;
            for (int k = 0; k < neutralizeCount; k++) {
                int at = neutralize[k];
                copyHeld(candidateStart + from, candidateStart + at);
                replace(new byte[] {'<'}, "&lt;");
                from = at + 1;
            }
            copyHeld(candidateStart + from, end);
            page.insert(closer);
            page.insertAfter(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        emitted = end;
        holding = false;
        placeholder = null;
        if (restoreForeign) {
            if (foreignBefore != null) {
                foreign = foreignBefore;
            } else {
                foreign.clear();
            }
        }
        foreignBefore = null;
        restoreForeign = false;
    }

    private void writeAssets() {
        if (!assetsWritten) {
            assetsWritten = true;
            insert(page.rewriter.renderer().assets(page.context.cspNonce()));
        }
    }

    private void addNeutralization(int offset) {
        if (neutralizeCount == neutralize.length) {
            neutralize = Arrays.copyOf(neutralize, neutralizeCount * 2);
        }
        neutralize[neutralizeCount++] = offset;
    }

    /** A start tag outgrew the tag cap (or the input ended inside one). */
    private void tagCap(long at) {
        if (holding) {
            // Part of a held embed: the embed's own limit applies.
            tokenizer.liftTagCap();
            return;
        }
        if (tokenizer.isEndTag()) {
            // Only an appropriate end tag of a text element gets here while bytes are kept: </noscript ...
            if (noscript != null) {
                emitTo(tokenizer.pendingEndTag());
                endNoscript();
            }
            tagReleased = true;
            tokenizer.liftTagCap();
            return;
        }
        if (unfinishedStartTag(at)) {
            return;
        }
        emitTo(at);
        tagReleased = true;
        tokenizer.liftTagCap();
    }

    /**
     * Matches a start tag that cannot be read to its end on the attributes seen so far. A claimed embed is
     * neutralized: the part read goes into the placeholder, closed, and the tokenizer reads on in the data state.
     */
    private boolean unfinishedStartTag(long at) {
        long start = tokenizer.pendingStartTag();
        int id = tokenizer.tagNameId();
        boolean html = foreign.htmlRulesFor(id) || names.is(id, ElementNames.BREAKOUT);
        if (!names.is(id, ElementNames.CANDIDATE) || (!html && id != names.image && id != names.script)) {
            return false;
        }
        tokenizer.closeOpenAttribute(at);
        Attributes attrs = attributesOf(start, at);
        EmbedMatch match = html ? matchHtml(id, attrs) : page.rewriter.catalogue().match(names.name(id), attrs);
        if (match == null || !neutralizes(match, start)) {
            return false;
        }
        emitTo(start);
        candidateStart = start;
        neutralizeCount = 0;
        templateDepth = 0;
        placeholder = html ? render(match, attrs, id) : page.rewriter.renderer().markup(embed(match, attrs));
        holding = true;
        restoreForeign = false;
        String closer = tokenizer.closer() + (html ? pendingElementCloser() : "");
        writePlaceholder(at, closer);
        tokenizer.resetToData();
        if (!html) {
            foreign.breakOut();
        }
        tokenizer.setForeignContent(foreign.currentIsForeign());
        return true;
    }

    private boolean fontBreaksOut(long start, long end) {
        Attributes a = attributesOf(start, end);
        return a.has("color") || a.has("face") || a.has("size");
    }

    private boolean annotationIsHtml(long start, long end) {
        String encoding = attributesOf(start, end).get("encoding");
        return encoding != null
                && (encoding.equalsIgnoreCase("text/html") || encoding.equalsIgnoreCase("application/xhtml+xml"));
    }

    // Noscript fragments

    private void endNoscript() {
        ByteRewriter fragment = noscript;
        if (fragment != null) {
            noscript = null;
            try {
                fragment.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // Bytes

    private Attributes attributesOf(long start, long end) {
        return attributes.reset(tagBytes(start, end), tagOffset, tokenizer);
    }

    /** The array that holds the tag {@code [start, end)}; its {@code <} is at {@link #tagOffset}. */
    private byte[] tagBytes(long start, long end) {
        if (start >= inPos) {
            tagOffset = inFrom + (int) (start - inPos);
            return in;
        }
        extendHold(end);
        tagOffset = (int) (start - holdPos);
        return hold;
    }

    /** Makes the hold reach {@code end} by appending bytes of the current chunk. */
    private void extendHold(long end) {
        long holdEnd = holdPos + holdLength;
        if (end <= holdEnd) {
            return;
        }
        int n = (int) (end - holdEnd);
        ensureHoldCapacity(holdLength + n);
        System.arraycopy(in, inFrom + (int) (holdEnd - inPos), hold, holdLength, n);
        holdLength += n;
    }

    private void ensureHoldCapacity(int n) {
        if (n > hold.length) {
            hold = Arrays.copyOf(hold, Math.max(n, Math.max(512, hold.length * 2)));
        }
    }

    /** Writes (or hands to the noscript fragment) the input up to {@code to}. */
    private void emitTo(long to) {
        if (to <= emitted) {
            return;
        }
        long from = emitted;
        emitted = to;
        try {
            long holdEnd = holdPos + holdLength;
            if (holdLength > 0 && from < holdEnd) {
                long until = Math.min(to, holdEnd);
                pass(hold, (int) (from - holdPos), (int) (until - from));
                from = until;
            }
            if (from < to) {
                pass(in, inFrom + (int) (from - inPos), (int) (to - from));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pass(byte[] b, int off, int len) throws IOException {
        if (noscript != null) {
            noscript.write(b, off, len);
        } else {
            page.copy(b, off, len);
        }
    }

    /** Copies held bytes {@code [from, to)} to the sink. */
    private void copyHeld(long from, long to) {
        if (from >= to) {
            return;
        }
        try {
            long holdEnd = holdPos + holdLength;
            if (holdLength > 0 && from < holdEnd) {
                long until = Math.min(to, holdEnd);
                page.copy(hold, (int) (from - holdPos), (int) (until - from));
                from = until;
            }
            if (from < to) {
                page.copy(in, inFrom + (int) (from - inPos), (int) (to - from));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void insert(String markup) {
        try {
            page.insert(markup);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void replace(byte[] original, String replacement) {
        try {
            page.replace(original, replacement);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** After a chunk: writes what is safe and keeps only what a pending tag or a held embed needs. */
    private void endOfChunk() {
        long keep = Long.MAX_VALUE;
        if (holding) {
            keep = candidateStart;
        } else if (!tagReleased) {
            long tag = tokenizer.pendingStartTag();
            if (tag >= 0) {
                keep = tag;
            }
            long endTag = noscript != null ? tokenizer.pendingEndTag() : -1;
            if (endTag >= 0) {
                keep = Math.min(keep, endTag);
            }
        }
        if (keep >= position) {
            emitTo(position);
            countLinesTo(position);
            holdLength = 0;
            holdPos = position;
            return;
        }
        emitTo(keep);
        countLinesTo(keep);
        long holdEnd = holdPos + holdLength;
        if (holdLength > 0 && keep < holdEnd && keep >= holdPos) {
            int drop = (int) (keep - holdPos);
            System.arraycopy(hold, drop, hold, 0, holdLength - drop);
            holdLength -= drop;
        } else {
            holdLength = 0;
        }
        holdPos = keep;
        extendHold(position);
    }

    // Lines

    /** Line breaks before {@code pos}; only called in ascending order of {@code pos}, before those bytes are dropped. */
    private long lineBreaksBefore(long pos) {
        if (!countLines) {
            return 0;
        }
        countLinesTo(pos);
        return lineBase + lineBreaks;
    }

    private void countLinesTo(long pos) {
        if (!countLines || pos <= countedTo) {
            return;
        }
        long from = countedTo;
        long holdEnd = holdPos + holdLength;
        if (holdLength > 0 && from < holdEnd && from >= holdPos) {
            long until = Math.min(pos, holdEnd);
            count(hold, (int) (from - holdPos), (int) (until - holdPos));
            from = until;
        }
        if (from < pos) {
            int off = inFrom + (int) (from - inPos);
            count(in, off, off + (int) (pos - from));
        }
        countedTo = pos;
    }

    private void count(byte[] b, int from, int to) {
        if (from < to) {
            lineBreaks += ByteScan.lineBreaks(b, from, to, crBefore);
            crBefore = b[to - 1] == '\r';
        }
    }
}
