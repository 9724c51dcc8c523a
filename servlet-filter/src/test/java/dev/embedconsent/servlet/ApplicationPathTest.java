package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

class ApplicationPathTest {
    private final HttpServletRequest request = mock(HttpServletRequest.class);

    @Test
    void servletPathAndPathInfo() {
        when(request.getServletPath()).thenReturn("/embed-consent");
        when(request.getPathInfo()).thenReturn("/consent");
        assertEquals("/embed-consent/consent", ApplicationPath.of(request));
    }

    @Test
    void theRequestUriWithoutTheContextWhenTheMappingSaysNothing() {
        when(request.getServletPath()).thenReturn("");
        when(request.getRequestURI()).thenReturn("/shop/news/1");
        when(request.getContextPath()).thenReturn("/shop");
        assertEquals("/news/1", ApplicationPath.of(request));
    }

    @Test
    void theContextRootIsSlash() {
        when(request.getRequestURI()).thenReturn("/shop");
        when(request.getContextPath()).thenReturn("/shop");
        assertEquals("/", ApplicationPath.of(request));
    }
}
