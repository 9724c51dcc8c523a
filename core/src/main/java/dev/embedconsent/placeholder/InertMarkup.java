package dev.embedconsent.placeholder;

import java.io.IOException;

/** {@code <template class="ec-inert" data-consent-provider="id" data-consent-kind="element">…</template>}. */
final class InertMarkup implements PlaceholderMarkup {
    private final String provider;
    private final String element;

    InertMarkup(String provider, String element) {
        this.provider = provider;
        this.element = element;
    }

    @Override
    public void appendBefore(Appendable out) throws IOException {
        out.append("<template class=\"ec-inert\" data-consent-provider=\"");
        HtmlEscaping.escape(provider, out);
        out.append("\" data-consent-kind=\"");
        HtmlEscaping.escape(element, out);
        out.append("\">");
    }

    @Override
    public void appendAfter(Appendable out) throws IOException {
        out.append("</template>");
    }
}
