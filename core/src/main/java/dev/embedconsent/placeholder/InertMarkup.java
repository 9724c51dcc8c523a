package dev.embedconsent.placeholder;

import dev.embedconsent.internal.EncodedText;
import java.io.IOException;

/** {@code <template class="ec-inert" data-consent-provider="id" data-consent-kind="element">…</template>}. */
final class InertMarkup implements PlaceholderMarkup {
    private static final EncodedText OPEN = EncodedText.of("<template class=\"ec-inert\" data-consent-provider=\"");
    private static final EncodedText KIND = EncodedText.of("\" data-consent-kind=\"");
    private static final EncodedText OPENED = EncodedText.of("\">");
    private static final EncodedText CLOSE = EncodedText.of("</template>");
    private final String provider;
    private final String element;

    InertMarkup(String provider, String element) {
        this.provider = provider;
        this.element = element;
    }

    @Override
    public void appendBefore(Appendable out) throws IOException {
        out.append(OPEN);
        HtmlEscaping.escape(provider, out);
        out.append(KIND);
        HtmlEscaping.escape(element, out);
        out.append(OPENED);
    }

    @Override
    public void appendAfter(Appendable out) throws IOException {
        out.append(CLOSE);
    }
}
