package dev.embedconsent.servlet;

import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldHeadersTest {
    private static final String VARIANT = "1a2b3c4d";

    private final HttpServletResponse container = mock(HttpServletResponse.class);
    private final HeldHeaders held = new HeldHeaders();

    HeldHeadersTest() {
        when(container.getStatus()).thenReturn(200);
        when(container.getHeaders("Vary")).thenReturn(List.of("Accept-Encoding"));
        when(container.getHeaders("Cache-Control")).thenReturn(List.of("public, max-age=60"));
        held.length(4096);
        held.etag("W/\"v1\"");
    }

    @Test
    void passedAsTheApplicationSetThem() {
        held.passed(container);
        verify(container).setContentLengthLong(4096);
        verify(container).setHeader("ETag", "W/\"v1\"");
        verify(container, never()).setHeader("Vary", "Accept-Encoding, Cookie");
    }

    @Test
    void rewrittenWithoutLengthAndWithTheConsentTerms() {
        held.rewritten(container, VARIANT);
        verify(container, never()).setContentLengthLong(anyLong());
        verify(container).setHeader("ETag", "W/\"v1-ec1a2b3c4d\"");
        verify(container).setHeader("Vary", "Accept-Encoding, Cookie");
        verify(container).setHeader("Cache-Control", "private, max-age=60");
    }

    @Test
    void theVariantIsComputedOnlyForAnEtag() {
        held.clear();
        held.rewritten(container, () -> {
            throw new AssertionError("no ETag: the visitor's consent variant is not needed");
        });
        verify(container).setHeader("Vary", "Accept-Encoding, Cookie");
        verify(container).setHeader("Cache-Control", "private, max-age=60");
        verify(container, never()).setHeader(org.mockito.ArgumentMatchers.eq("ETag"), anyString());

        int[] asked = {0};
        held.etag("\"v2\"");
        held.rewritten(container, () -> {
            asked[0]++;
            return VARIANT;
        });
        verify(container).setHeader("ETag", "\"v2-ec1a2b3c4d\"");
        org.junit.jupiter.api.Assertions.assertEquals(1, asked[0]);
    }

    @Test
    void rewrittenSuffixesATagSetBeforeTheWrapper() {
        held.clear();
        when(container.getHeader("ETag")).thenReturn("\"early\"");
        held.rewritten(container, VARIANT);
        verify(container).setHeader("ETag", "\"early-ec1a2b3c4d\"");
    }

    @Test
    void aNotModifiedThatConfirmsTheRewrittenCopyDescribesIt() {
        held.revalidating(VARIANT);
        when(container.getStatus()).thenReturn(HttpServletResponse.SC_NOT_MODIFIED);
        held.passed(container);
        verify(container).setHeader("ETag", "W/\"v1-ec1a2b3c4d\"");
        verify(container).setHeader("Vary", "Accept-Encoding, Cookie");
        verify(container).setHeader("Cache-Control", "private, max-age=60");
    }

    @Test
    void aRevalidatedTagWithAnotherStatusPassesAsGiven() {
        held.revalidating(VARIANT);
        held.passed(container);
        verify(container).setHeader("ETag", "W/\"v1\"");
    }

    @Test
    void clearedHeadersAreNotSet() {
        held.clear();
        held.passed(container);
        verify(container, never()).setContentLengthLong(anyLong());
        verify(container, never()).setHeader(anyString(), anyString());
    }
}
