package dev.embedconsent.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Registers {@link EmbedConsentFilter} in a WAR that has the filter's jar in {@code WEB-INF/lib} and no registration
 * of its own, configured from context parameters named {@code embed-consent.<option>} (the option names of
 * {@link EmbedConsentConfig}; {@code embed-consent.config} takes a whole spec string). The jar's
 * {@code META-INF/web-fragment.xml} (named {@code embed_consent}) declares this listener; nothing else does.
 *
 * <pre>{@code
 * <context-param>
 *   <param-name>embed-consent.data-dir</param-name><param-value>/var/lib/embed-consent</param-value>
 * </context-param>
 * <context-param>
 *   <param-name>embed-consent.hmac-key</param-name><param-value>env:EMBED_CONSENT_KEY</param-value>
 * </context-param>
 * }</pre>
 *
 * <p>The filter is registered as {@value #FILTER_NAME}, async-supported, for {@code /*} on the {@code REQUEST},
 * {@code ASYNC}, {@code FORWARD}, {@code INCLUDE} and {@code ERROR} dispatches, ahead of the filters the application
 * declares (so it sees bodies before a compressing filter does).
 *
 * <p>Never twice: a listener declared in a fragment runs after every {@code ServletContainerInitializer} (Spring's
 * {@code WebApplicationInitializer}s and a Spring Boot WAR's registration beans among them) and after the listeners
 * of {@code web.xml}, so it sees what they and {@code web.xml} registered in
 * {@link ServletContext#getFilterRegistrations()} and then registers nothing. A registration made later still (by a
 * listener of a fragment ordered after this one) is caught when the filters start: the automatic filter then stays
 * idle and passes every request on (see {@code AutoRegisteredFilter}).
 *
 * <p>Switched off by the context parameter {@code embed-consent.auto-register=false}, by an
 * {@code <absolute-ordering>} in {@code web.xml} that does not name {@code embed_consent}, or by
 * {@code metadata-complete="true"} on {@code web.xml} (containers then read no fragments). Spring Boot's embedded
 * containers read no {@code web-fragment.xml} either, so in a Boot application only its own registration counts.
 */
public final class ContextParameterRegistration implements ServletContextListener {
    /** Prefix of the context parameters read: {@code embed-consent.data-dir} and so on. */
    public static final String PARAMETER_PREFIX = "embed-consent.";
    /** Context parameter that switches the registration off with {@code false}. */
    public static final String AUTO_REGISTER_PARAMETER = PARAMETER_PREFIX + "auto-register";
    /** Name of the registered filter. */
    public static final String FILTER_NAME = "embedConsent";

    private static final Logger LOG = System.getLogger(ContextParameterRegistration.class.getName());
    private static final EnumSet<DispatcherType> DISPATCHES = EnumSet.of(DispatcherType.REQUEST,
            DispatcherType.ASYNC, DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR);

    /** For the container, which instantiates the listener declared in {@code web-fragment.xml}. */
    public ContextParameterRegistration() {}

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        String autoRegister = context.getInitParameter(AUTO_REGISTER_PARAMETER);
        if (autoRegister != null && !OptionValues.parseBoolean(AUTO_REGISTER_PARAMETER, autoRegister)) {
            LOG.log(Level.INFO, "embed-consent: not registered ({0}=false)", AUTO_REGISTER_PARAMETER);
            return;
        }
        Optional<String> existing = registeredFilter(context, null);
        if (existing.isPresent()) {
            LOG.log(Level.INFO, "embed-consent: the application registers EmbedConsentFilter itself (as ''{0}''); "
                    + "the context parameters {1}* are not used", existing.get(), PARAMETER_PREFIX);
            return;
        }
        EmbedConsentConfig config;
        try {
            config = EmbedConsentConfig.fromInitParameters(name -> context.getInitParameter(PARAMETER_PREFIX + name));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException("embed-consent context parameters (" + PARAMETER_PREFIX + "<option>): "
                    + e.getMessage() + "; to register the filter yourself instead, set " + AUTO_REGISTER_PARAMETER
                    + "=false", e);
        }
        FilterRegistration.Dynamic registration =
                context.addFilter(FILTER_NAME, new AutoRegisteredFilter(new EmbedConsentFilter(config)));
        if (registration == null) {
            LOG.log(Level.WARNING, "embed-consent: not registered, the application already has a filter named "
                    + "''{0}''; set {1}=false to silence this", FILTER_NAME, AUTO_REGISTER_PARAMETER);
            return;
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(DISPATCHES, false, "/*");
        LOG.log(Level.INFO, "embed-consent: filter ''{0}'' registered from context parameters for /*", FILTER_NAME);
    }

    /**
     * The name of a registration of {@link EmbedConsentFilter} or of this class's own filter other than
     * {@code except}, if the context has one.
     */
    static Optional<String> registeredFilter(ServletContext context, @Nullable String except) {
        for (Map.Entry<String, ? extends FilterRegistration> entry : context.getFilterRegistrations().entrySet()) {
            String className = entry.getValue().getClassName();
            if (!entry.getKey().equals(except) && (EmbedConsentFilter.class.getName().equals(className)
                    || AutoRegisteredFilter.class.getName().equals(className))) {
                return Optional.of(entry.getKey());
            }
        }
        return Optional.empty();
    }
}
