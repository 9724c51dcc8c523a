package dev.embedconsent.html;

import dev.embedconsent.internal.ElementNames;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The part of the tree builder's stack of open elements that a streaming rewriter can follow: the SVG and MathML
 * elements, their integration points, and how many HTML elements are open inside an integration point. It decides
 * whether a start tag is handled by the HTML rules (so {@code <style>} means RAWTEXT) or the foreign-content rules,
 * and whether {@code <![CDATA[} opens a CDATA section.
 *
 * <p>Where HTML elements that we do not track would decide (an end tag in foreign content that names no open foreign
 * element), it assumes the end tag closes an HTML ancestor and leaves foreign content: tags are then read as HTML,
 * which errs on the side of finding embeds. The exceptions are {@code </body>} and {@code </html>}, which the HTML
 * rules never answer by popping an element (they only switch the insertion mode, or are ignored): foreign content
 * stays open, as in browsers ({@code <math></html><iframe>} is a MathML element that loads nothing).
 */
final class ForeignContent {
    private static final int SVG = 1;
    private static final int MATH = 2;
    private static final int PLAIN = 0;
    private static final int HTML_INTEGRATION_POINT = 1;
    private static final int MATHML_TEXT_INTEGRATION_POINT = 2;
    /** A MathML annotation-xml that is not an HTML integration point: only {@code <svg>} inside it is HTML-ruled. */
    private static final int ANNOTATION_XML = 3;
    private static final int MAX_DEPTH = 512;
    private static final byte[] FOREIGN_OBJECT = ascii("foreignobject");
    private static final byte[] DESC = ascii("desc");
    private static final byte[] TITLE = ascii("title");
    private static final byte[] ANNOTATION = ascii("annotation-xml");
    private static final byte[][] MATHML_TEXT = {ascii("mi"), ascii("mo"), ascii("mn"), ascii("ms"), ascii("mtext")};
    private static final int[] NO_INTS = new int[0];
    private static final byte[][] NO_NAMES = new byte[0][];

    private final ElementNames names;
    /** {@code </body>} and {@code </html>}: the HTML rules only switch the insertion mode for them, never pop. */
    private final int body;

    private int size;
    /** Elements pushed beyond {@link #MAX_DEPTH}: only counted. */
    private int overflow;
    private int[] namespace = NO_INTS;
    private int[] kind = NO_INTS;
    /** HTML elements open above this entry (only non-zero for integration points). */
    private int[] htmlOpen = NO_INTS;
    private byte[][] tagNames = NO_NAMES;
    private int[] tagNameLengths = NO_INTS;

    ForeignContent(ElementNames names) {
        this.names = names;
        this.body = names.id("body");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    ForeignContent copy() {
        ForeignContent c = new ForeignContent(names);
        c.size = size;
        c.overflow = overflow;
        c.namespace = namespace.clone();
        c.kind = kind.clone();
        c.htmlOpen = htmlOpen.clone();
        c.tagNames = new byte[tagNames.length][];
        for (int k = 0; k < size; k++) {
            c.tagNames[k] = tagNames[k].clone();
        }
        c.tagNameLengths = tagNameLengths.clone();
        return c;
    }

    /**
     * A copy as it was before {@link #htmlStartTag}{@code (id, ..., selfClosing)}, the last change made; {@code null}
     * when that is empty.
     */
    @Nullable ForeignContent copyBeforeHtmlStartTag(int id, boolean selfClosing) {
        ForeignContent c = copy();
        if (id == names.svg || id == names.math) {
            if (!selfClosing) {
                if (c.overflow > 0) {
                    c.overflow--;
                } else {
                    c.size--;
                }
            }
        } else if (c.size > 0 && !names.is(id, ElementNames.VOID)) {
            c.htmlOpen[c.size - 1]--;
        }
        return c.isEmpty() ? null : c;
    }

    /** Forgets all open foreign elements. */
    void clear() {
        size = 0;
        overflow = 0;
    }

    boolean isEmpty() {
        return size == 0 && overflow == 0;
    }

    /** Whether the adjusted current node is a foreign element (CDATA sections are recognised then). */
    boolean currentIsForeign() {
        return overflow > 0 || (size > 0 && htmlOpen[size - 1] == 0);
    }

    /** Whether a start tag with this id goes through the HTML rules ("tree construction dispatcher"). */
    boolean htmlRulesFor(int id) {
        if (overflow > 0) {
            return false;
        }
        if (size == 0) {
            return true;
        }
        int top = size - 1;
        if (htmlOpen[top] > 0 || kind[top] == HTML_INTEGRATION_POINT) {
            return true;
        }
        if (kind[top] == MATHML_TEXT_INTEGRATION_POINT) {
            return id != names.mglyph && id != names.malignmark;
        }
        return kind[top] == ANNOTATION_XML && id == names.svg;
    }

    /** A breakout start tag in foreign content: pops until the current node is HTML or an integration point. */
    void breakOut() {
        overflow = 0;
        while (size > 0 && htmlOpen[size - 1] == 0 && kind[size - 1] != HTML_INTEGRATION_POINT
                && kind[size - 1] != MATHML_TEXT_INTEGRATION_POINT) {
            size--;
        }
    }

    /**
     * A start tag handled by the HTML rules. {@code <svg>} and {@code <math>} open foreign content; other elements
     * only count when open inside an integration point.
     */
    void htmlStartTag(int id, byte[] name, int nameLength, boolean selfClosing) {
        if (id == names.svg || id == names.math) {
            if (!selfClosing) {
                push(id == names.svg ? SVG : MATH, PLAIN, name, nameLength);
            }
        } else if (size > 0 && !names.is(id, ElementNames.VOID)) {
            htmlOpen[size - 1]++;
        }
    }

    /**
     * A start tag handled by the foreign rules: an element in the current node's namespace.
     *
     * @param htmlAnnotation for {@code annotation-xml}: whether its encoding is text/html or application/xhtml+xml
     */
    void foreignStartTag(byte[] name, int nameLength, boolean selfClosing, boolean htmlAnnotation) {
        if (selfClosing) {
            return;
        }
        int ns = overflow > 0 || size == 0 ? SVG : namespace[size - 1];
        push(ns, kindOf(ns, name, nameLength, htmlAnnotation), name, nameLength);
    }

    /** An end tag while in (or above) foreign content. */
    void endTag(int id, byte[] name, int nameLength, boolean tableScoped) {
        if (overflow > 0) {
            overflow--;
            return;
        }
        if (size == 0) {
            return;
        }
        int top = size - 1;
        boolean popsNothingInHtml = id == body || id == names.html;
        if (htmlOpen[top] > 0) {
            // The current node is an HTML element inside an integration point.
            if (popsNothingInHtml) {
                return;
            }
            if (tableScoped) {
                size = 0;
            } else {
                htmlOpen[top]--;
            }
            return;
        }
        if (id == names.br || id == names.p) {
            breakOut();
            return;
        }
        for (int k = top; k >= 0; k--) {
            if (matches(k, name, nameLength)) {
                size = k;
                return;
            }
            if (k < top && htmlOpen[k] > 0) {
                // HTML elements sit above entry k: the foreign walk ends there, the HTML rules take over.
                if (!popsNothingInHtml) {
                    popToHtml(k, tableScoped);
                }
                return;
            }
        }
        if (!popsNothingInHtml) {
            popToHtml(-1, tableScoped);
        }
    }

    /** The HTML rules handle an end tag whose walk reached HTML elements above {@code k} (-1: below everything). */
    private void popToHtml(int k, boolean tableScoped) {
        if (tableScoped) {
            size = 0;
            return;
        }
        for (int j = size - 1; j > k; j--) {
            if (kind[j] != PLAIN) {
                // An integration point is "special" and a scope boundary: the end tag is ignored.
                return;
            }
        }
        size = k + 1;
        if (k >= 0) {
            htmlOpen[k]--;
        }
    }

    private boolean matches(int k, byte[] name, int nameLength) {
        return nameLength <= ElementNames.MAX_LENGTH && tagNameLengths[k] == nameLength
                && Arrays.equals(tagNames[k], 0, nameLength, name, 0, nameLength);
    }

    private static int kindOf(int ns, byte[] name, int length, boolean htmlAnnotation) {
        if (ns == SVG) {
            return is(name, length, FOREIGN_OBJECT) || is(name, length, DESC) || is(name, length, TITLE)
                    ? HTML_INTEGRATION_POINT : PLAIN;
        }
        for (byte[] textPoint : MATHML_TEXT) {
            if (is(name, length, textPoint)) {
                return MATHML_TEXT_INTEGRATION_POINT;
            }
        }
        if (is(name, length, ANNOTATION)) {
            return htmlAnnotation ? HTML_INTEGRATION_POINT : ANNOTATION_XML;
        }
        return PLAIN;
    }

    private static boolean is(byte[] name, int length, byte[] expected) {
        return length == expected.length && Arrays.equals(name, 0, length, expected, 0, length);
    }

    private void push(int ns, int k, byte[] name, int nameLength) {
        if (size == MAX_DEPTH) {
            overflow++;
            return;
        }
        if (size == namespace.length) {
            int n = Math.max(8, size * 2);
            namespace = Arrays.copyOf(namespace, n);
            kind = Arrays.copyOf(kind, n);
            htmlOpen = Arrays.copyOf(htmlOpen, n);
            tagNames = Arrays.copyOf(tagNames, n);
            tagNameLengths = Arrays.copyOf(tagNameLengths, n);
        }
        namespace[size] = ns;
        kind[size] = k;
        htmlOpen[size] = 0;
        if (tagNames[size] == null) {
            tagNames[size] = new byte[ElementNames.MAX_LENGTH];
        }
        System.arraycopy(name, 0, tagNames[size], 0, Math.min(nameLength, ElementNames.MAX_LENGTH));
        tagNameLengths[size] = nameLength;
        size++;
    }
}
