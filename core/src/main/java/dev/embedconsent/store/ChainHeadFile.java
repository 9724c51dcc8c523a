package dev.embedconsent.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * The {@code chain-head} file of a JSON Lines store: the {@link ChainHead} of the last acknowledged entry, one line
 * padded to 256 bytes and rewritten in place.
 *
 * <pre>{@code
 * embed-consent-chain-head 1 1200 C12fzs7bLR94SdPOfkWpSw 5f0c…e9     (entries, record id, hash; "-" for no id)
 * }</pre>
 *
 * <p>The store writes it only after the segment is fsynced, and fsyncs it only on open and close, so after a power
 * failure it may lag behind the segments but never runs ahead of them. Not thread-safe: the store serialises writes.
 */
final class ChainHeadFile implements AutoCloseable {

    static final String NAME = "chain-head";

    private static final String MAGIC = "embed-consent-chain-head";
    private static final int SIZE = 256;
    private static final System.Logger LOG = System.getLogger(JsonLinesConsentStore.class.getName());

    private final FileChannel channel;

    private ChainHeadFile(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens the file in {@code directory} for writing, creating it if missing. */
    static ChainHeadFile open(Path directory) throws IOException {
        return new ChainHeadFile(FileChannel.open(directory.resolve(NAME), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** The head recorded in {@code directory}, or {@code null} if the file is missing or unreadable. */
    static @Nullable ChainHead read(Path directory) throws IOException {
        Path file = directory.resolve(NAME);
        if (!Files.exists(file)) {
            return null;
        }
        String[] parts = Files.readString(file, StandardCharsets.ISO_8859_1).trim().split(" ");
        if (parts.length != 5 || !parts[0].equals(MAGIC) || !parts[1].equals("1")) {
            return null;
        }
        long entries;
        try {
            entries = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return null;
        }
        return new ChainHead(entries, entries == 0 ? null : parts[3], parts[4]);
    }

    /** Records {@code head}, with an fsync if {@code sync}. */
    void write(ChainHead head, boolean sync) throws IOException {
        String text = MAGIC + " 1 " + head.entries() + " " + (head.recordId() == null ? "-" : head.recordId()) + " "
                + head.hash();
        StringBuilder padded = new StringBuilder(SIZE).append(text);
        while (padded.length() < SIZE - 1) {
            padded.append(' ');
        }
        padded.append('\n');
        ByteBuffer buffer = ByteBuffer.wrap(padded.toString().getBytes(StandardCharsets.US_ASCII));
        long position = 0;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        if (sync) {
            channel.force(false);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing: {0}", e);
        }
    }
}
