package dev.embedconsent.preview;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;

/**
 * Opens the TCP connection for {@link UpstreamClient} to an address the client has <em>already</em> checked with
 * {@link AddressRules}; it must connect to exactly that address (no proxy, no look-up). Tests substitute one that
 * routes a public stand-in address to a fake server on the loopback interface.
 */
@FunctionalInterface
public interface Connector {

    /** A plain socket connected directly to the address, bypassing any {@code socksProxyHost} setting. */
    Connector DIRECT = Connector::direct;

    /**
     * A connected socket; the caller owns and closes it.
     *
     * @throws java.net.SocketTimeoutException if no connection was made within {@code timeoutMillis}
     * @throws IOException if the connection failed
     */
    Socket connect(InetSocketAddress address, int timeoutMillis) throws IOException;

    private static Socket direct(InetSocketAddress address, int timeoutMillis) throws IOException {
        if (address.isUnresolved()) {
            throw new IOException("refusing to connect to an unresolved address: " + address.getHostString());
        }
        Socket socket = new Socket(Proxy.NO_PROXY);
        try {
            socket.connect(address, timeoutMillis);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
