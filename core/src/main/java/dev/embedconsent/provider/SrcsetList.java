package dev.embedconsent.provider;

/**
 * Reads the image candidate URLs of a {@code srcset}-style list ({@code srcset}, {@code imagesrcset} and lazy-load
 * copies) as the HTML spec's parser does, without allocating: candidates are separated by commas, a URL runs to the
 * next whitespace (trailing commas excluded), and its descriptors run to the next comma outside parentheses.
 *
 * <pre>{@code
 * // "/a,b.jpg 1x, https://i.ytimg.com/x.jpg 2x": "/a,b.jpg", then "https://i.ytimg.com/x.jpg"
 * for (long url = SrcsetList.nextUrl(value, 0); url != SrcsetList.NONE;
 *         url = SrcsetList.nextUrl(value, SrcsetList.next(value, UrlView.end(url)))) {
 *     String candidate = value.substring(UrlView.start(url), UrlView.end(url));
 * }
 * }</pre>
 */
final class SrcsetList {

    static final long NONE = -1L;

    private SrcsetList() {}

    /**
     * The next candidate's URL at or after {@code from}, packed as {@code start << 32 | end} (read with
     * {@link UrlView#start} and {@link UrlView#end}); {@link #NONE} at the end of the list.
     */
    static long nextUrl(String s, int from) {
        int n = s.length();
        int i = from;
        while (i < n && (LoadingAttributes.isAsciiWhitespace(s.charAt(i)) || s.charAt(i) == ',')) {
            i++;
        }
        if (i == n) {
            return NONE;
        }
        int start = i;
        while (i < n && !LoadingAttributes.isAsciiWhitespace(s.charAt(i))) {
            i++;
        }
        int end = i;
        while (end > start && s.charAt(end - 1) == ',') {
            end--;
        }
        return ((long) start << 32) | end;
    }

    /**
     * Where the candidate after the one whose URL ends at {@code urlEnd} may start: right there when trailing commas
     * ended the URL, else past its descriptors and the comma after them.
     */
    static int next(String s, int urlEnd) {
        int n = s.length();
        if (urlEnd < n && s.charAt(urlEnd) == ',') {
            return urlEnd;
        }
        int depth = 0;
        int i = urlEnd;
        while (i < n) {
            char c = s.charAt(i++);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        return i;
    }
}
