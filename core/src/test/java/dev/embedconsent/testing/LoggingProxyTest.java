package dev.embedconsent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoggingProxyTest {

    private static String send(LoggingProxy proxy, String head) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void recordsConnectTargetsAndRefusesThem() throws IOException {
        try (LoggingProxy proxy = LoggingProxy.start()) {
            String answer = send(proxy, "CONNECT www.YouTube.com:443 HTTP/1.1\r\nHost: www.youtube.com:443\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 502 "), answer);
            assertEquals(List.of(new LoggingProxy.ProxiedRequest("CONNECT", "www.youtube.com", 443,
                    "www.YouTube.com:443")), proxy.requests());
        }
    }

    @Test
    void recordsAbsoluteUriRequests() throws IOException {
        try (LoggingProxy proxy = LoggingProxy.start()) {
            send(proxy, "GET http://player.vimeo.com/video/1 HTTP/1.1\r\nHost: player.vimeo.com\r\n\r\n");
            send(proxy, "GET http://[2001:db8::1]:8081/x HTTP/1.1\r\n\r\n");
            assertEquals(List.of("player.vimeo.com", "2001:db8::1"), proxy.hosts());
            assertEquals(8081, proxy.requests().get(1).port());
            assertEquals(80, proxy.requests().get(0).port());
        }
    }

    @Test
    void keepsBrowserServiceHostsApart() throws IOException {
        try (LoggingProxy proxy = LoggingProxy.start()) {
            send(proxy, "CONNECT accounts.google.com:443 HTTP/1.1\r\n\r\n");
            send(proxy, "CONNECT maps.google.com:443 HTTP/1.1\r\n\r\n");
            assertEquals(List.of("maps.google.com"), proxy.hosts());
            assertEquals("accounts.google.com", proxy.ignored().get(0).host());
            assertEquals(List.of("maps.google.com"), proxy.contacted(List.of("*.google.com")).stream()
                    .map(LoggingProxy.ProxiedRequest::host).toList());
        }
    }

    @Test
    void matchesHostPatterns() throws IOException {
        try (LoggingProxy proxy = LoggingProxy.start()) {
            send(proxy, "CONNECT i.ytimg.com:443 HTTP/1.1\r\n\r\n");
            send(proxy, "CONNECT example.org:443 HTTP/1.1\r\n\r\n");
            assertEquals(List.of("i.ytimg.com"), proxy.contacted(List.of("*.ytimg.com")).stream()
                    .map(LoggingProxy.ProxiedRequest::host).toList());
            assertTrue(proxy.contacted(List.of("ytimg.com")).isEmpty(), "bare domain must not match a subdomain");
            assertFalse(LoggingProxy.hostMatches("evilytimg.com", "*.ytimg.com"));
            proxy.clear();
            assertTrue(proxy.requests().isEmpty());
        }
    }
}
