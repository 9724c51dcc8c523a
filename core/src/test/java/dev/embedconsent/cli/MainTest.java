package dev.embedconsent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MainTest {
    private static final String PAGE = """
            <!DOCTYPE html><html lang="de"><head><title>Seite</title></head><body>
            <p>Vorher</p>
            <iframe width="560" height="315" src="https://www.youtube.com/embed/Xq3DdfyP0bU"
              title="Ukrainian representatives visit the ECMI in Flensburg"></iframe>
            <p>Nachher</p>
            </body></html>
            """;
    private static final String PLAIN = "<!DOCTYPE html><p>No embeds here, just <a href=\"https://www.youtube.com/\">a link</a>.\n";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void rewritesOneFileToAnotherWithThePagesLanguage() throws Exception {
        Path in = write("in.html", PAGE);
        Path target = dir.resolve("out.html");
        assertEquals(0, run("rewrite", in.toString(), target.toString()), err());
        String html = Files.readString(target);
        assertTrue(html.contains("data-consent-provider=\"youtube\""), html);
        assertTrue(html.contains("<template"), html);
        assertTrue(html.contains("lang=\"de\""), html);
        assertTrue(html.startsWith("<!DOCTYPE html><html lang=\"de\"><head><title>Seite</title>"), html);
        assertTrue(html.contains("<p>Nachher</p>"), html);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)),
                "a new output file is not left with the temporary file's private permissions");
    }

    @Test
    void writesToStdoutWhenOutIsOmittedAndHonoursLangAndConsented() throws Exception {
        Path in = write("in.html", PAGE);
        assertEquals(0, run("rewrite", "--lang", "uk", in.toString()), err());
        assertTrue(out().contains("data-consent-provider=\"youtube\""), out());
        assertTrue(out().contains("lang=\"uk\""), out());

        stdout.reset();
        assertEquals(0, run("rewrite", "--consented", "youtube,vimeo", in.toString()), err());
        assertEquals(PAGE, out());
    }

    @Test
    void pageWithoutEmbedsComesOutByteIdentical() throws Exception {
        Path in = write("plain.html", PLAIN);
        Path target = dir.resolve("plain.out.html");
        assertEquals(0, run("rewrite", in.toString(), target.toString()), err());
        assertEquals(PLAIN, Files.readString(target));
    }

    @Test
    void rewritingAFileOntoItselfIsSafe() throws Exception {
        Path in = write("same.html", PAGE);
        assertEquals(0, run("rewrite", in.toString(), in.toString()), err());
        assertTrue(Files.readString(in).contains("data-consent-provider=\"youtube\""));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void clearErrorsForMissingFilesDirectoriesAndBadOptions() throws Exception {
        assertEquals(1, run("rewrite", dir.resolve("nope.html").toString()));
        assertTrue(err().contains("nope.html: no such file"), err());

        stderr.reset();
        assertEquals(1, run("rewrite", dir.toString()));
        assertTrue(err().contains("is a directory"), err());

        stderr.reset();
        assertEquals(2, run("rewrite", "--colour", "x.html"));
        assertTrue(err().contains("unknown option '--colour'"), err());

        stderr.reset();
        assertEquals(2, run("rewrite", "--lang", "xx", "x.html"));
        assertTrue(err().contains("--lang must be one of"), err());

        stderr.reset();
        assertEquals(2, run("rewrite", "--lang", "de", "--lang", "en", "x.html"));
        assertTrue(err().contains("given twice"), err());

        stderr.reset();
        assertEquals(2, run("rewrite", "--consented", "myspace", "x.html"));
        assertTrue(err().contains("unknown provider 'myspace'"), err());

        stderr.reset();
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'"), err());

        stderr.reset();
        assertEquals(2, run());
        assertTrue(err().contains("Usage: embed-consent"), err());
    }

    @Test
    void batchReportsAFailedFileAndStillRewritesTheOthers() throws Exception {
        Path a = write("a.html", PAGE);
        Path b = write("b.html", PLAIN);
        Path outDir = dir.resolve("public");
        int code = run("rewrite", "--out-dir", outDir.toString(), a.toString(), dir.resolve("missing.html").toString(),
                b.toString());
        assertEquals(1, code);
        assertTrue(err().contains("missing.html: no such file"), err());
        assertTrue(err().contains("1 of 3 files failed"), err());
        assertTrue(Files.readString(outDir.resolve("a.html")).contains("data-consent-provider=\"youtube\""));
        assertEquals(PLAIN, Files.readString(outDir.resolve("b.html")));
        assertFalse(Files.exists(outDir.resolve("missing.html")));
    }

    @Test
    void framesFromUnknownHostsAreBlockedUnlessTrustedOrAllowed() throws Exception {
        String page = "<!DOCTYPE html><html lang=\"en\"><head><title>Club</title></head><body>\n"
                + "<iframe src=\"https://videos.club.example/videos/embed/42\"></iframe>\n</body></html>\n";
        Path in = write("club.html", page);
        assertEquals(0, run("rewrite", in.toString()), err());
        assertTrue(out().contains("data-consent-provider=\"host:videos.club.example\""), out());

        for (String[] args : List.of(new String[] {"--allow-unknown-frames"},
                new String[] {"--trusted-hosts", "*.club.example"}, new String[] {"--trusted-hosts=videos.club.example"},
                new String[] {"--consented", "host:videos.club.example"})) {
            stdout.reset();
            List<String> command = new java.util.ArrayList<>(List.of("rewrite"));
            command.addAll(List.of(args));
            command.add(in.toString());
            assertEquals(0, run(command.toArray(String[]::new)), err());
            assertEquals(page, out(), String.join(" ", args));
        }

        stdout.reset();
        assertEquals(0, run("scan", in.toString()), err());
        JsonNode found = JsonMapper.builder().build().readTree(out().lines().findFirst().orElseThrow());
        assertEquals("host:videos.club.example", found.get("provider").asString());
        assertEquals("https://videos.club.example/videos/embed/42", found.get("url").asString());
        stdout.reset();
        assertEquals(0, run("scan", "--allow-unknown-frames", in.toString()), err());
        assertEquals("", out());

        assertEquals(2, run("rewrite", "--trusted-hosts", "https://videos.club.example/", in.toString()));
        assertTrue(err().contains("--trusted-hosts: trusted host \"https://videos.club.example/\" is not a host name"),
                err());
        assertEquals(2, run("rewrite", "--allow-unknown-frames=yes", in.toString()));
        assertTrue(err().contains("--allow-unknown-frames takes no value"), err());
    }

    @Test
    void scanPrintsOneJsonObjectPerEmbed() throws Exception {
        Path in = write("in.html", PAGE + "<script async src=\"https://platform.twitter.com/widgets.js\"></script>\n");
        Path plain = write("plain.html", PLAIN);
        assertEquals(0, run("scan", in.toString(), plain.toString()), err());
        List<String> lines = out().lines().toList();
        assertEquals(2, lines.size(), out());
        JsonNode first = JsonMapper.builder().build().readTree(lines.get(0));
        assertEquals(in.toString(), first.get("file").asString());
        assertEquals("youtube", first.get("provider").asString());
        assertEquals("iframe", first.get("element").asString());
        assertEquals("https://www.youtube.com/embed/Xq3DdfyP0bU", first.get("url").asString());
        assertEquals(3, first.get("line").asInt());
        JsonNode second = JsonMapper.builder().build().readTree(lines.get(1));
        assertEquals("x", second.get("provider").asString());
        assertEquals("script", second.get("element").asString());
        assertEquals(7, second.get("line").asInt());
    }

    @Test
    void scanGoesOnPastAFailingFile() throws Exception {
        Path in = write("in.html", PAGE);
        assertEquals(1, run("scan", dir.resolve("gone.html").toString(), in.toString()));
        assertTrue(err().contains("gone.html: no such file"), err());
        assertEquals(1, out().lines().count(), out());
    }
}
