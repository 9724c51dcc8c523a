package dev.embedconsent.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection over a plain {@link Socket}, just enough of a client for a load test: it sends
 * a prepared GET, reads the status line and headers, and skips the body by {@code Content-Length} or chunked
 * framing without keeping it. Allocates nothing per exchange. Not thread-safe.
 */
final class Http1Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long filledAt;
    /** The end of the line {@link #line()} consumed last. */
    private int lineEndIndex;

    /** Of the last exchange: status, body bytes, when its first body byte arrived, whether the server closes. */
    int status;
    long bodyBytes;
    long firstBodyNanos;
    boolean closing;

    Http1Connection(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** A GET of {@code path} with {@code Accept: text/html} and, unless null, one more header line. */
    static byte[] request(String path, String header) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n"
                + (header == null ? "" : header + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code request} and reads the whole response; the fields describe it afterwards. */
    void exchange(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        status = -1;
        bodyBytes = 0;
        firstBodyNanos = 0;
        closing = false;
        long length = -1;
        boolean chunked = false;
        status = parseStatus(line());
        for (int end; (end = lineEnd()) > pos; pos = end + 2) {
            // header line buf[pos, end)
            if (startsWith("content-length:")) {
                length = parseDecimal(pos + 15, end);
            } else if (startsWith("transfer-encoding:")) {
                chunked = contains(pos + 18, end, "chunked");
            } else if (startsWith("connection:")) {
                closing = contains(pos + 11, end, "close");
            }
        }
        pos += 2;
        if (chunked) {
            for (long size; (size = parseHex(line())) > 0; ) {
                skip(size);
                expectCrlf();
            }
            while (lineEnd() > pos) { // trailers
                line();
            }
            pos += 2;
        } else if (length >= 0) {
            skip(length);
        } else {
            throw new IOException("response without length on a keep-alive connection");
        }
    }

    /** The index of the {@code \r} ending the line at {@code pos}, reading more as needed. */
    private int lineEnd() throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = pos + scanned; i + 1 < limit; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    return i;
                }
            }
            scanned = Math.max(0, limit - pos - 1);
            if (!fill()) {
                throw new EOFException("connection closed in the response head");
            }
        }
    }

    /** Consumes one line; returns its start index (the line is {@code buf[start, crlf)}, valid until the next read). */
    private int line() throws IOException {
        int end = lineEnd();
        int start = pos;
        pos = end + 2;
        lineEndIndex = end;
        return start;
    }

    private int parseStatus(int start) throws IOException {
        // HTTP/1.1 200 OK
        int sp = start;
        while (sp < lineEndIndex && buf[sp] != ' ') {
            sp++;
        }
        if (sp + 4 > lineEndIndex) {
            throw new IOException("bad status line");
        }
        return (int) parseDecimal(sp + 1, sp + 4);
    }

    private long parseHex(int start) throws IOException {
        long v = 0;
        int i = start;
        for (; i < lineEndIndex; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0) {
                break;
            }
            v = v * 16 + d;
        }
        if (i == start) {
            throw new IOException("bad chunk size");
        }
        return v;
    }

    private long parseDecimal(int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b >= '0' && b <= '9') {
                v = v * 10 + (b - '0');
            }
        }
        return v;
    }

    private boolean startsWith(String lowerName) {
        int n = lowerName.length();
        if (limit - pos < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Character.toLowerCase(buf[pos + i]) != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code buf[from, to)} contains {@code lower}, ignoring ASCII case. */
    private boolean contains(int from, int to, String lower) {
        int n = lower.length();
        outer:
        for (int i = from; i + n <= to; i++) {
            for (int j = 0; j < n; j++) {
                if (Character.toLowerCase(buf[i + j]) != lower.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void expectCrlf() throws IOException {
        if (lineEnd() != pos) {
            throw new IOException("chunk not followed by CRLF");
        }
        pos += 2;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            if (pos == limit && !fill()) {
                throw new EOFException("connection closed in the body");
            }
            if (firstBodyNanos == 0) {
                firstBodyNanos = filledAt;
            }
            int take = (int) Math.min(n, limit - pos);
            pos += take;
            n -= take;
            bodyBytes += take;
        }
    }

    /** Reads more; keeps unconsumed bytes at the front. False at end of stream. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            throw new IOException("response head line longer than " + buf.length + " bytes");
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            return false;
        }
        filledAt = System.nanoTime();
        limit += n;
        return true;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
