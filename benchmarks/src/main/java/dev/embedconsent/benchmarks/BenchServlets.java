package dev.embedconsent.benchmarks;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Minimal servlet container objects for {@link FilterBenchmark}: a request and a response that keep what a
 * container keeps (attributes; status, headers, content type, charset, length, body) and are recycled between
 * requests, as containers recycle theirs. Every method they do not implement goes to a proxy that throws, naming the
 * method, so a benchmark cannot silently skip part of the filter's path.
 */
final class BenchServlets {
    private BenchServlets() {}

    @SuppressWarnings("unchecked")
    private static <T> T unsupported(Class<T> type) {
        return (T) Proxy.newProxyInstance(BenchServlets.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getName().equals("toString") && method.getParameterCount() == 0) {
                        return "unsupported " + type.getSimpleName();
                    }
                    throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName()
                            + " is not implemented by the benchmark's container");
                });
    }

    /**
     * A servlet context at {@code contextPath} with attributes; the filter reads the path at init and publishes its
     * runtime as an attribute ({@code EmbedConsent.publish}).
     */
    static ServletContext context(String contextPath) {
        java.util.Map<String, Object> attributes = new java.util.concurrent.ConcurrentHashMap<>();
        return (ServletContext) Proxy.newProxyInstance(BenchServlets.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getContextPath" -> contextPath;
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> {
                        attributes.put((String) args[0], args[1]);
                        yield null;
                    }
                    case "removeAttribute" -> {
                        attributes.remove((String) args[0]);
                        yield null;
                    }
                    case "toString" -> "bench context";
                    default -> throw new UnsupportedOperationException("ServletContext." + method.getName());
                });
    }

    static FilterConfig filterConfig(ServletContext context) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "embed-consent";
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return null;
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.emptyEnumeration();
            }
        };
    }

    /** A GET without cookies or request headers, dispatched as REQUEST. */
    static final class Request extends HttpServletRequestWrapper {
        private final String method;
        private final String contextPath;
        private final String servletPath;
        private final String pathInfo;
        private final String uri;
        private final String serverName;
        private final Map<String, Object> attributes = new HashMap<>();

        Request(String method, String contextPath, String servletPath, String pathInfo, String serverName) {
            super(unsupported(HttpServletRequest.class));
            this.method = method;
            this.contextPath = contextPath;
            this.servletPath = servletPath;
            this.pathInfo = pathInfo;
            this.uri = contextPath + servletPath + pathInfo;
            this.serverName = serverName;
        }

        void recycle() {
            attributes.clear();
        }

        @Override
        public String getMethod() {
            return method;
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object o) {
            if (o == null) {
                attributes.remove(name);
            } else {
                attributes.put(name, o);
            }
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            return Collections.enumeration(attributes.keySet());
        }

        @Override
        public DispatcherType getDispatcherType() {
            return DispatcherType.REQUEST;
        }

        @Override
        public String getContextPath() {
            return contextPath;
        }

        @Override
        public String getServletPath() {
            return servletPath;
        }

        @Override
        public String getPathInfo() {
            return pathInfo;
        }

        @Override
        public String getRequestURI() {
            return uri;
        }

        @Override
        public StringBuffer getRequestURL() {
            return new StringBuffer("http://").append(serverName).append(uri);
        }

        @Override
        public String getQueryString() {
            return null;
        }

        @Override
        public String getServerName() {
            return serverName;
        }

        @Override
        public String getScheme() {
            return "http";
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public Cookie[] getCookies() {
            return null;
        }

        @Override
        public String getHeader(String name) {
            return null;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return Collections.emptyEnumeration();
        }

        @Override
        public boolean isAsyncStarted() {
            return false;
        }
    }

    /** The response body: a reusable in-memory buffer, like a container's output buffer. */
    static final class Sink extends ServletOutputStream {
        private byte[] buffer;
        private int count;

        Sink(int capacity) {
            buffer = new byte[capacity];
        }

        void reset() {
            count = 0;
        }

        int size() {
            return count;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, count);
        }

        @Override
        public void write(int b) {
            if (count == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(count + len, buffer.length * 2));
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            throw new UnsupportedOperationException("blocking output only");
        }
    }

    /** Status, headers and body, kept the way a container keeps them until the response is recycled. */
    static final class Response extends HttpServletResponseWrapper {
        /** Jetty's and Tomcat's default response buffer. */
        private static final int BUFFER = 32 * 1024;
        private final Sink sink = new Sink(1 << 20);
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private int status;
        private String mediaType;
        private String charset;
        private long contentLength;
        private boolean committed;
        private boolean writing;

        Response() {
            super(unsupported(HttpServletResponse.class));
            recycle();
        }

        void recycle() {
            sink.reset();
            headers.clear();
            status = SC_OK;
            mediaType = null;
            charset = null;
            contentLength = -1;
            committed = false;
            writing = false;
        }

        /** The end of the request, when the container closes the output. */
        void complete() {
            committed = true;
        }

        Sink sink() {
            return sink;
        }

        @Override
        public void setStatus(int sc) {
            if (!isCommitted()) {
                status = sc;
            }
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public void setContentType(String type) {
            if (isCommitted()) {
                return;
            }
            if (type == null) {
                mediaType = null;
                return;
            }
            int semi = type.indexOf(';');
            mediaType = (semi < 0 ? type : type.substring(0, semi)).strip();
            int at = type.toLowerCase(Locale.ROOT).indexOf("charset=", semi < 0 ? type.length() : semi);
            if (at >= 0 && !writing) {
                charset = type.substring(at + "charset=".length()).strip();
            }
        }

        @Override
        public String getContentType() {
            return mediaType == null ? null : charset == null ? mediaType : mediaType + ";charset=" + charset;
        }

        @Override
        public void setCharacterEncoding(String encoding) {
            if (!isCommitted() && !writing) {
                charset = encoding;
            }
        }

        @Override
        public String getCharacterEncoding() {
            return charset == null ? "ISO-8859-1" : charset;
        }

        @Override
        public void setContentLength(int len) {
            setContentLengthLong(len);
        }

        @Override
        public void setContentLengthLong(long len) {
            if (!isCommitted()) {
                contentLength = len;
            }
        }

        @Override
        public void setHeader(String name, String value) {
            if (isCommitted()) {
                return;
            }
            if (special(name, value)) {
                return;
            }
            if (value == null) {
                headers.remove(name);
            } else {
                List<String> values = new ArrayList<>(1);
                values.add(value);
                headers.put(name, values);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (isCommitted() || value == null || special(name, value)) {
                return;
            }
            headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        }

        private boolean special(String name, String value) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                setContentType(value);
                return true;
            }
            if ("Content-Length".equalsIgnoreCase(name)) {
                setContentLengthLong(value == null ? -1 : Long.parseLong(value));
                return true;
            }
            return false;
        }

        @Override
        public void setIntHeader(String name, int value) {
            setHeader(name, Integer.toString(value));
        }

        @Override
        public void addIntHeader(String name, int value) {
            addHeader(name, Integer.toString(value));
        }

        @Override
        public void setDateHeader(String name, long date) {
            setHeader(name, Long.toString(date));
        }

        @Override
        public void addDateHeader(String name, long date) {
            addHeader(name, Long.toString(date));
        }

        @Override
        public boolean containsHeader(String name) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                return mediaType != null;
            }
            if ("Content-Length".equalsIgnoreCase(name)) {
                return contentLength >= 0;
            }
            return headers.containsKey(name);
        }

        @Override
        public String getHeader(String name) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                return getContentType();
            }
            if ("Content-Length".equalsIgnoreCase(name)) {
                return contentLength < 0 ? null : Long.toString(contentLength);
            }
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public Collection<String> getHeaders(String name) {
            if ("Content-Type".equalsIgnoreCase(name) || "Content-Length".equalsIgnoreCase(name)) {
                String value = getHeader(name);
                return value == null ? List.of() : List.of(value);
            }
            List<String> values = headers.get(name);
            return values == null ? List.of() : values;
        }

        @Override
        public Collection<String> getHeaderNames() {
            return headers.keySet();
        }

        @Override
        public ServletOutputStream getOutputStream() {
            writing = true;
            return sink;
        }

        @Override
        public PrintWriter getWriter() {
            throw new UnsupportedOperationException("the benchmark servlet writes bytes");
        }

        @Override
        public void flushBuffer() {
            committed = true;
        }

        /** Committed by a flush, the end of the request, or a body that outgrew the buffer, as in a container. */
        @Override
        public boolean isCommitted() {
            return committed || sink.size() > BUFFER;
        }

        @Override
        public int getBufferSize() {
            return BUFFER;
        }

        @Override
        public void reset() {
            if (isCommitted()) {
                throw new IllegalStateException("committed");
            }
            headers.clear();
            status = SC_OK;
            mediaType = null;
            charset = null;
            contentLength = -1;
            sink.reset();
        }

        @Override
        public void resetBuffer() {
            if (isCommitted()) {
                throw new IllegalStateException("committed");
            }
            sink.reset();
        }

        @Override
        public Locale getLocale() {
            return Locale.ROOT;
        }
    }
}
