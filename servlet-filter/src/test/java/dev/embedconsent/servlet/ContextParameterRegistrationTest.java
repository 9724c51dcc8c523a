package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/**
 * The listener's decisions against a mocked {@code ServletContext} (the WAR deployment ITs run it in real containers):
 * what it registers, what it leaves alone, and how a bad context parameter fails the deployment.
 */
class ContextParameterRegistrationTest {
    @TempDir
    Path temp;

    private final Map<String, String> parameters = new HashMap<>();
    private final Map<String, FilterRegistration> registrations = new HashMap<>();
    private final ServletContext context = mock(ServletContext.class);
    private final FilterRegistration.Dynamic added = mock(FilterRegistration.Dynamic.class);

    private void initialize() {
        initialize(added);
    }

    private void initialize(FilterRegistration.Dynamic addFilterAnswer) {
        when(context.getInitParameter(anyString())).thenAnswer(call -> parameters.get(call.<String>getArgument(0)));
        when(context.getFilterRegistrations()).thenAnswer(call -> registrations);
        when(context.addFilter(anyString(), any(Filter.class))).thenReturn(addFilterAnswer);
        new ContextParameterRegistration().contextInitialized(new ServletContextEvent(context));
    }

    private static FilterRegistration registrationOf(String className) {
        FilterRegistration registration = mock(FilterRegistration.class);
        when(registration.getClassName()).thenReturn(className);
        return registration;
    }

    @Test
    void registersTheFilterFromPrefixedContextParameters() throws Exception {
        parameters.put("embed-consent.data-dir", temp.toString());
        parameters.put("embed-consent.exclude", "/admin");
        parameters.put("data-dir", "/not/this/one");
        initialize();
        ArgumentCaptor<Filter> filter = ArgumentCaptor.forClass(Filter.class);
        verify(context).addFilter(eq("embedConsent"), filter.capture());
        verify(added).setAsyncSupported(true);
        verify(added).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR), false, "/*");
        AutoRegisteredFilter auto = assertInstanceOf(AutoRegisteredFilter.class, filter.getValue());

        FilterConfig config = mock(FilterConfig.class);
        when(config.getServletContext()).thenReturn(context);
        when(config.getFilterName()).thenReturn("embedConsent");
        when(context.getContextPath()).thenReturn("/app");
        registrations.put("embedConsent", registrationOf(AutoRegisteredFilter.class.getName()));
        auto.init(config);
        try {
            assertTrue(auto.active(), "alone in the context, it starts");
            assertTrue(Files.exists(temp.resolve("consent.lock")), "its store is open in embed-consent.data-dir");
        } finally {
            auto.destroy();
        }
    }

    @Test
    void anApplicationRegistrationUnderAnyNameMeansNone() {
        parameters.put("embed-consent.data-dir", temp.toString());
        registrations.put("mine", registrationOf(EmbedConsentFilter.class.getName()));
        registrations.put("other", registrationOf("com.example.GzipFilter"));
        initialize();
        verify(context, never()).addFilter(anyString(), any(Filter.class));
        verify(context, never()).addFilter(anyString(), anyString());
    }

    @Test
    void falseSwitchesItOffAndAnythingButTrueOrFalseIsAnError() {
        parameters.put("embed-consent.auto-register", "false");
        parameters.put("embed-consent.consent-lifetime", "forever");
        initialize();
        verify(context, never()).addFilter(anyString(), any(Filter.class));

        parameters.put("embed-consent.auto-register", "no");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, this::initialize);
        assertEquals("embed-consent.auto-register 'no' must be true or false", bad.getMessage());
    }

    @Test
    void aBadContextParameterFailsTheDeploymentNamingIt() {
        parameters.put("embed-consent.data-dir", temp.toString());
        parameters.put("embed-consent.consent-lifetime", "forever");
        IllegalStateException e = assertThrows(IllegalStateException.class, this::initialize);
        assertTrue(e.getMessage().startsWith("embed-consent context parameters (embed-consent.<option>): "),
                e.getMessage());
        assertTrue(e.getMessage().contains("consent-lifetime"), e.getMessage());
        assertTrue(e.getMessage().endsWith("set embed-consent.auto-register=false"), e.getMessage());
        verify(context, never()).addFilter(anyString(), any(Filter.class));
    }

    @Test
    void aFilterOfTheSameNameLeavesTheRegistrationOut() {
        parameters.put("embed-consent.data-dir", temp.toString());
        initialize(null);
        verify(context).addFilter(eq("embedConsent"), any(Filter.class));
        verify(added, never()).addMappingForUrlPatterns(any(), anyBoolean(), any(String[].class));
    }

    @Test
    void theAutomaticFilterStaysIdleWhenTheApplicationRegisteredOneLater() throws Exception {
        EmbedConsentFilter wrapped = EmbedConsentFilter.builder().dataDirectory(temp.resolve("never")).build();
        AutoRegisteredFilter auto = new AutoRegisteredFilter(wrapped);
        registrations.put("embedConsent", registrationOf(AutoRegisteredFilter.class.getName()));
        registrations.put("appEmbedConsent", registrationOf(EmbedConsentFilter.class.getName()));
        when(context.getFilterRegistrations()).thenAnswer(call -> registrations);
        FilterConfig config = mock(FilterConfig.class);
        when(config.getServletContext()).thenReturn(context);
        when(config.getFilterName()).thenReturn("embedConsent");

        auto.init(config);
        assertFalse(auto.active());
        assertFalse(Files.exists(temp.resolve("never")), "no store opened");
        ServletRequest request = mock(ServletRequest.class);
        ServletResponse response = mock(ServletResponse.class);
        FilterChain chain = mock(FilterChain.class);
        auto.doFilter(request, response, chain);
        verify(chain).doFilter(request, response);
        assertSame(null, wrapped.runtime(), "the wrapped filter never started");
        auto.destroy();
    }
}
