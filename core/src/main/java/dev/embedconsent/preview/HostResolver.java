package dev.embedconsent.preview;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into the addresses {@link UpstreamClient} may connect to. The client checks every returned
 * address with {@link AddressRules} before it connects to any of them, so a resolver needs no checks of its own;
 * it exists so that tests (and applications with their own DNS) can substitute the answers.
 *
 * <pre>{@code
 * HostResolver fixed = host -> List.of(InetAddress.getByName("203.0.113.10"));
 * }</pre>
 */
@FunctionalInterface
public interface HostResolver {

    /** The JDK's resolver ({@link InetAddress#getAllByName}), with its cache and its own timeouts. */
    HostResolver SYSTEM = HostResolver::system;

    /**
     * The addresses of {@code host}, a host name (never an IP literal when called by {@link UpstreamClient}).
     *
     * @throws UnknownHostException if the name does not resolve
     * @throws IOException if the look-up fails otherwise
     */
    List<InetAddress> resolve(String host) throws IOException;

    private static List<InetAddress> system(String host) throws UnknownHostException {
        if (host.isEmpty()) {
            // getAllByName("") would answer with the loopback address
            throw new UnknownHostException("empty host name");
        }
        return List.of(InetAddress.getAllByName(host));
    }
}
