package dev.embedconsent.html;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PerfScratchTest {
    @Test
    void perf() throws Exception {
        byte[] page = Files.readAllBytes(Path.of(System.getProperty("perf.page", "../benchmarks/src/main/resources/dev/embedconsent/benchmarks/page.html")));
        EmbedRewriter r = EmbedRewriter.withDefaults();
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.length * 2);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 5; round++) {
            int n = 300;
            long a0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                out.reset();
                RewriteSession s = r.open(out, PageContext.defaults());
                for (int off = 0; off < page.length; off += 8192) s.write(page, off, Math.min(8192, page.length - off));
                s.close();
            }
            long t1 = System.nanoTime();
            long a1 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < n; i++) { out.reset(); for (int off = 0; off < page.length; off += 8192) out.write(page, off, Math.min(8192, page.length - off)); }
            long t2 = System.nanoTime();
            for (int i = 0; i < n / 10; i++) { out.reset(); out.write(org.jsoup.Jsoup.parse(new String(page, java.nio.charset.StandardCharsets.UTF_8)).outerHtml().getBytes(java.nio.charset.StandardCharsets.UTF_8)); }
            long t3 = System.nanoTime();
            double rw = (t1 - t0) / (double) n / 1000, cp = (t2 - t1) / (double) n / 1000, js = (t3 - t2) / (double) (n / 10) / 1000;
            System.out.printf("page %d bytes: rewrite %.1f us, copy %.1f us, jsoup %.1f us; jsoup/rewrite %.1fx; alloc/byte %.3f%n",
                page.length, rw, cp, js, js / rw, (a1 - a0) / (double) n / page.length);
        }
    }
}
