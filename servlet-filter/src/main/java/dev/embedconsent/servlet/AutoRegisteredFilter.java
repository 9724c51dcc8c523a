package dev.embedconsent.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * The filter {@link ContextParameterRegistration} registers: an {@link EmbedConsentFilter} that starts only if, once
 * every listener has run, the application has not registered one of its own. Otherwise it stays idle (no store opened,
 * nothing logged as started) and passes every request straight on, so the application's filter is the only one.
 */
final class AutoRegisteredFilter implements Filter {
    private static final Logger LOG = System.getLogger(AutoRegisteredFilter.class.getName());

    private final EmbedConsentFilter filter;
    private volatile boolean active;

    AutoRegisteredFilter(EmbedConsentFilter filter) {
        this.filter = filter;
    }

    /** Whether the wrapped filter started; false when it stays idle. */
    boolean active() {
        return active;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        Optional<String> other = ContextParameterRegistration.registeredFilter(filterConfig.getServletContext(),
                filterConfig.getFilterName());
        if (other.isPresent()) {
            LOG.log(Level.INFO, "embed-consent: filter ''{0}'' stays idle, the application registers "
                    + "EmbedConsentFilter itself (as ''{1}'')", filterConfig.getFilterName(), other.get());
            return;
        }
        filter.init(filterConfig);
        active = true;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (active) {
            filter.doFilter(request, response, chain);
        } else {
            chain.doFilter(request, response);
        }
    }

    @Override
    public void destroy() {
        if (active) {
            active = false;
            filter.destroy();
        }
    }
}
