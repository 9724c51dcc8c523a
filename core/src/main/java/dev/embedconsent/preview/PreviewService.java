package dev.embedconsent.preview;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.placeholder.Preview;
import dev.embedconsent.placeholder.PreviewSource;
import dev.embedconsent.preview.PreviewDiskCache.Stored;
import dev.embedconsent.preview.PreviewDiskCache.StoredMetadata;
import dev.embedconsent.provider.PreviewRule;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The first-party preview proxy: placeholders get their stills from the site's own origin, and the server, not the
 * visitor's browser, talks to the provider. Thread-safe; build one per site and {@link #close()} it on shutdown.
 *
 * <pre>{@code
 * PreviewService previews = PreviewService.builder(catalogue, codec.keys())
 *     .basePath("/embed-consent")                       // preview URLs are /embed-consent/preview/...
 *     .cacheDirectory(Path.of("embed-consent-data/previews"))
 *     .build();
 * PlaceholderRenderer renderer = PlaceholderRenderer.builder().previews(previews).build();
 * // GET /embed-consent/preview/{rest}:
 * PreviewResponse answer = previews.serve(rest);
 * }</pre>
 *
 * <p><b>Only what the rewriter signed.</b> A preview URL is {@code {base}/preview/{provider}/{rule}/{ids...}/{sig}}:
 * the provider, the index of its preview rule, the ids the rule took from the embed URL, and an HMAC over them with a
 * key derived from the site's cookie keys. {@link #serve} checks the signature before anything else, so an unsigned,
 * altered or invented URL is rejected without any upstream request; the upstream URLs come only from the provider's
 * rule templates, on the provider's hosts ({@link PreviewFetcher}, {@link UpstreamClient}).
 *
 * <p><b>Caching.</b> Stills are held in memory up to a byte bound (Caffeine, weighed by size), with one upstream fetch
 * per key however many requests ask at once, and on disk when a cache directory is given, so a restart fetches
 * nothing again. A failure (no network, none upstream, not an image) is remembered for the failure lifetime, so an
 * outage does not turn into a flood; while it is remembered, placeholders are rendered without a still.
 *
 * <p><b>Never waiting while rendering.</b> {@link #preview} answers from what is cached: a still not yet fetched is
 * linked anyway (the browser's request waits for it, at most {@link Builder#wait}) and its fetch starts in the
 * background at once; the provider's title (oEmbed), which placeholders show when the page gives none, appears from
 * the render after it is cached.
 */
public final class PreviewService implements PreviewSource, AutoCloseable {
    public static final long DEFAULT_MEMORY_BYTES = 32L * 1024 * 1024;
    public static final long DEFAULT_DISK_BYTES = 256L * 1024 * 1024;
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);
    public static final Duration DEFAULT_FAILURE_LIFETIME = Duration.ofMinutes(5);
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);
    public static final int DEFAULT_FETCH_THREADS = 4;

    private static final Logger LOG = System.getLogger(PreviewService.class.getName());
    /** Bytes counted for an entry besides its image: key, object headers, the cache's node. */
    private static final int ENTRY_OVERHEAD = 256;
    private static final int QUEUE = 512;

    private final ProviderCatalogue catalogue;
    private final PreviewSigner signer;
    private final String urlPrefix;
    private final PreviewFetcher fetcher;
    private final @Nullable PreviewDiskCache disk;
    private final long memoryBytes;
    private final Duration lifetime;
    private final Duration failureLifetime;
    private final Duration wait;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    /** Titles have a pool of their own, so a cold page's title fetches never hold up its stills. */
    private final ThreadPoolExecutor titleExecutor;
    private final AsyncCache<PreviewKey, Outcome> stills;
    private final AsyncCache<PreviewKey, Title> titles;
    /** Signed preview URLs by key: a page render looks them up instead of computing an HMAC per embed. */
    private final Cache<PreviewKey, String> sources;
    private final AtomicLong upstreamFetches = new AtomicLong();

    private PreviewService(Builder b) {
        this.catalogue = b.catalogue;
        this.signer = PreviewSigner.of(b.keys);
        this.urlPrefix = (b.basePath == null ? "/embed-consent" : b.basePath) + "/preview/";
        this.memoryBytes = b.memoryBytes == null ? DEFAULT_MEMORY_BYTES : b.memoryBytes;
        this.lifetime = b.lifetime == null ? DEFAULT_LIFETIME : b.lifetime;
        this.failureLifetime = b.failureLifetime == null ? DEFAULT_FAILURE_LIFETIME : b.failureLifetime;
        this.wait = b.wait == null ? DEFAULT_WAIT : b.wait;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        UpstreamClient client = b.client == null ? UpstreamClient.builder().build() : b.client;
        this.fetcher = new PreviewFetcher(client,
                b.maxImageBytes == null ? PreviewFetcher.DEFAULT_MAX_IMAGE_BYTES : b.maxImageBytes);
        this.disk = b.cacheDirectory == null ? null : openDisk(b.cacheDirectory,
                b.diskBytes == null ? DEFAULT_DISK_BYTES : b.diskBytes);
        int threads = b.fetchThreads == null ? DEFAULT_FETCH_THREADS : b.fetchThreads;
        this.executor = pool("embed-consent-preview-", threads);
        this.titleExecutor = pool("embed-consent-preview-title-", Math.max(1, threads / 2));
        this.stills = Caffeine.newBuilder()
                .maximumWeight(memoryBytes)
                .weigher((PreviewKey key, Outcome outcome) -> outcome.weight())
                .expireAfter(new Lifetimes<PreviewKey, Outcome>(Outcome::fetchedAt, Outcome::failed))
                .buildAsync();
        this.sources = Caffeine.newBuilder().maximumSize(10_000).build();
        this.titles = Caffeine.newBuilder()
                .maximumSize(Math.max(1000, memoryBytes / 2048))
                .expireAfter(new Lifetimes<PreviewKey, Title>(Title::fetchedAt, Title::failed))
                .buildAsync();
    }

    private static ThreadPoolExecutor pool(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, name + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The disk cache, or none when its folder cannot be used: a failing disk costs persistence, not previews. */
    private static @Nullable PreviewDiskCache openDisk(Path directory, long bytes) {
        try {
            return PreviewDiskCache.open(directory, bytes);
        } catch (java.io.UncheckedIOException e) {
            LOG.log(Level.WARNING, "previews are cached in memory only: " + e.getMessage() + ": " + e.getCause());
            return null;
        }
    }

    /**
     * A builder for the previews of a catalogue's providers, signed with keys derived from the site's cookie keys
     * (the first signs, all verify).
     */
    public static Builder builder(ProviderCatalogue catalogue, List<CookieKey> keys) {
        return new Builder(catalogue, keys);
    }

    /**
     * The still of an embed, from the cache; a fetch starts in the background when there is none yet. Null when the
     * provider has no preview for this URL or the last attempt failed (within the failure lifetime).
     */
    @Override
    public @Nullable Preview preview(Provider provider, String embedUrl) {
        PreviewKey key = PreviewFetcher.key(provider, embedUrl);
        if (key == null || !knows(provider)) {
            return null;
        }
        CompletableFuture<Outcome> still = current(stills, key, Outcome::fetchedAt, Outcome::failed);
        if (still == null) {
            try {
                still(key, provider);
            } catch (RejectedExecutionException e) {
                // busy or closed: link the still anyway, the request for it tries again
            }
        } else if (still.isDone() && !still.isCompletedExceptionally() && still.join().failed()) {
            return null;
        }
        String title = null;
        CompletableFuture<Title> known = current(titles, key, Title::fetchedAt, Title::failed);
        if (known != null && known.isDone() && !known.isCompletedExceptionally()) {
            title = known.join().title();
        } else if (known == null) {
            PreviewRule rule = provider.previews().get(key.rule());
            if (rule.oembed() != null && rule.image() != null) {
                try {
                    title(key, provider);
                } catch (RejectedExecutionException e) {
                    // busy or closed: the title comes with a later render
                }
            }
        }
        return new Preview(sources.get(key, k -> urlPrefix + k.path() + "/" + signer.sign(k)), title);
    }

    /**
     * Answers a request for {@code {base}/preview/{path}}. The signature is checked first: anything this site did not
     * sign is {@link PreviewResponse.Rejected} without any upstream request. A valid one gets the still, waiting at
     * most {@link Builder#wait} for a fetch in progress, else {@link PreviewResponse.Unavailable}.
     *
     * @param path the part after {@code {base}/preview/}, still percent-encoded as it came
     */
    public PreviewResponse serve(String path) {
        Objects.requireNonNull(path, "path");
        List<String> segments = segments(path);
        if (segments == null || segments.size() < 3) {
            return new PreviewResponse.Rejected(404, "not-found", "not a preview URL");
        }
        String signature = segments.get(segments.size() - 1);
        PreviewKey key = PreviewKey.parse(segments.subList(0, segments.size() - 1));
        if (key == null) {
            return new PreviewResponse.Rejected(404, "not-found", "not a preview URL");
        }
        if (!signer.verify(key, signature)) {
            return new PreviewResponse.Rejected(403, "invalid-signature",
                    "this preview URL was not signed by this site");
        }
        Optional<Provider> provider = catalogue.get(key.provider());
        if (provider.isEmpty() || key.rule() >= provider.get().previews().size()) {
            return new PreviewResponse.Rejected(404, "not-found", "no such preview rule");
        }
        CompletableFuture<Outcome> still;
        try {
            still = still(key, provider.get());
        } catch (RejectedExecutionException e) {
            return new PreviewResponse.Unavailable("preview fetching is busy");
        }
        Outcome outcome;
        try {
            outcome = still.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new PreviewResponse.Unavailable("still being fetched");
        } catch (ExecutionException e) {
            return new PreviewResponse.Unavailable(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PreviewResponse.Unavailable("interrupted");
        }
        if (outcome instanceof Ready ready) {
            return new PreviewResponse.Image(ready.stored().format().mediaType(), ready.stored().bytes(),
                    ready.etag());
        }
        return new PreviewResponse.Unavailable(((Failed) outcome).reason());
    }

    /**
     * Puts a still the site made itself into the cache (memory and disk), as if fetched now: the demo ships a
     * picture for its own video this way, so it shows a preview without any network.
     *
     * @param title the title to show when the page gives none, or null
     * @throws IllegalArgumentException if the provider is unknown, has no preview for the URL, or the bytes are not
     *     an image
     */
    public void seed(String providerId, String embedUrl, byte[] image, @Nullable String title) {
        Provider provider = catalogue.get(providerId).orElseThrow(() ->
                new IllegalArgumentException("unknown provider \"" + providerId + "\""));
        PreviewKey key = PreviewFetcher.key(provider, embedUrl);
        if (key == null) {
            throw new IllegalArgumentException(providerId + " has no preview rule for " + embedUrl);
        }
        ImageFormat format = ImageFormat.detect(image).orElseThrow(() ->
                new IllegalArgumentException("seeded preview for " + embedUrl + " is not a JPEG, PNG, GIF, WebP or "
                        + "AVIF image"));
        long now = clock.millis();
        Stored stored = new Stored(format, image.clone(), now);
        stills.put(key, CompletableFuture.completedFuture(new Ready(stored, etag(stored.bytes()))));
        titles.put(key, CompletableFuture.completedFuture(new Title(title, now, false)));
        if (disk != null) {
            disk.writeImage(key, stored);
            disk.writeMetadata(key, new StoredMetadata(title, now));
        }
    }

    /** Sizes and counts, for monitoring and tests. */
    public Stats stats() {
        stills.synchronous().cleanUp();
        long weight = stills.synchronous().policy().eviction()
                .flatMap(eviction -> eviction.weightedSize().isPresent()
                        ? Optional.of(eviction.weightedSize().getAsLong()) : Optional.empty())
                .orElse(0L);
        return new Stats(weight, memoryBytes, stills.synchronous().estimatedSize(),
                disk == null ? 0 : disk.bytes(), upstreamFetches.get());
    }

    /**
     * Stops the background fetches: interrupts them and waits up to two seconds for their threads to end, so a web
     * app that closes the service on undeploy leaves no thread behind (a fetch blocked in a read ends at its
     * deadline at the latest).
     */
    @Override
    public void close() {
        executor.shutdownNow();
        titleExecutor.shutdownNow();
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            executor.awaitTermination(2, TimeUnit.SECONDS);
            titleExecutor.awaitTermination(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the serving catalogue has this very provider (the renderer might use another catalogue). */
    private boolean knows(Provider provider) {
        return catalogue.get(provider.id()).map(p -> p.previews().equals(provider.previews())).orElse(false);
    }

    /** The still's future: cached, or a fetch started now (one per key, however many ask). */
    private CompletableFuture<Outcome> still(PreviewKey key, Provider provider) {
        current(stills, key, Outcome::fetchedAt, Outcome::failed);
        return stills.get(key, (k, ignored) -> submit(() -> loadStill(k, provider)));
    }

    /**
     * The cached future of a key, or null; a completed one past its lifetime on {@link #clock} is removed first. The
     * cache's own expiry reclaims memory, but it counts from when it saw the future complete, on its own ticker; this
     * check makes a lifetime end exactly when it says, whatever the clock.
     */
    private <V> @Nullable CompletableFuture<V> current(AsyncCache<PreviewKey, V> cache, PreviewKey key,
            java.util.function.ToLongFunction<V> fetchedAt, java.util.function.Predicate<V> failed) {
        CompletableFuture<V> future = cache.getIfPresent(key);
        if (future != null && future.isDone() && !future.isCompletedExceptionally()) {
            V value = future.join();
            long total = failed.test(value) ? failureLifetime.toMillis() : lifetime.toMillis();
            if (clock.millis() - fetchedAt.applyAsLong(value) >= total) {
                cache.asMap().remove(key, future);
                return null;
            }
        }
        return future;
    }

    private void title(PreviewKey key, Provider provider) {
        titles.get(key, (k, ignored) -> CompletableFuture.supplyAsync(() -> loadTitle(k, provider), titleExecutor));
    }

    /**
     * Starts a fetch. A full queue (or a closed service) throws out of the cache's mapping function, so nothing is
     * cached and a later request tries again; a failed future instead would be logged by the cache as a warning with
     * a stack trace on every request while overloaded.
     *
     * @throws RejectedExecutionException if the fetch cannot be queued
     */
    private <T> CompletableFuture<T> submit(java.util.function.Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, executor);
    }

    private Outcome loadStill(PreviewKey key, Provider provider) {
        long now = clock.millis();
        if (disk != null) {
            Stored stored = disk.readImage(key);
            if (stored != null && fresh(stored.fetchedAt(), now)) {
                if (provider.previews().get(key.rule()).image() == null) {
                    // the title came with the still (oEmbed only), so it comes back from disk with it too
                    StoredMetadata metadata = disk.readMetadata(key);
                    if (metadata != null && fresh(metadata.fetchedAt(), now)) {
                        titles.put(key, CompletableFuture.completedFuture(
                                new Title(metadata.title(), metadata.fetchedAt(), false)));
                    }
                }
                return new Ready(stored, etag(stored.bytes()));
            }
        }
        upstreamFetches.incrementAndGet();
        try {
            FetchedPreview fetched = fetcher.fetch(provider, key, false);
            Stored stored = new Stored(fetched.format(), fetched.image(), clock.millis());
            if (disk != null) {
                disk.writeImage(key, stored);
            }
            PreviewRule rule = provider.previews().get(key.rule());
            if (rule.image() == null) {
                Title title = new Title(fetched.title(), stored.fetchedAt(), false);
                titles.put(key, CompletableFuture.completedFuture(title));
                if (disk != null) {
                    disk.writeMetadata(key, new StoredMetadata(fetched.title(), stored.fetchedAt()));
                }
            }
            return new Ready(stored, etag(stored.bytes()));
        } catch (PreviewUnavailableException | RuntimeException e) {
            LOG.log(Level.DEBUG, "no preview for {0}: {1}", key.path(), e.getMessage());
            return new Failed(String.valueOf(e.getMessage()), clock.millis());
        }
    }

    private Title loadTitle(PreviewKey key, Provider provider) {
        long now = clock.millis();
        if (disk != null) {
            StoredMetadata stored = disk.readMetadata(key);
            if (stored != null && fresh(stored.fetchedAt(), now)) {
                return new Title(stored.title(), stored.fetchedAt(), false);
            }
        }
        try {
            String title = fetcher.metadata(provider, key).title();
            long fetchedAt = clock.millis();
            if (disk != null) {
                disk.writeMetadata(key, new StoredMetadata(title, fetchedAt));
            }
            return new Title(title, fetchedAt, false);
        } catch (PreviewUnavailableException | RuntimeException e) {
            LOG.log(Level.DEBUG, "no oEmbed title for {0}: {1}", key.path(), e.getMessage());
            return new Title(null, clock.millis(), true);
        }
    }

    private boolean fresh(long fetchedAt, long now) {
        return now - fetchedAt < lifetime.toMillis() && fetchedAt <= now + 60_000;
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The path's segments, or null when it holds anything but unreserved characters and single slashes. */
    private static @Nullable List<String> segments(String path) {
        if (path.isEmpty() || path.length() > 1024) {
            return null;
        }
        List<String> segments = new ArrayList<>(8);
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i == start) {
                    return null;
                }
                segments.add(path.substring(start, i));
                start = i + 1;
            } else {
                char c = path.charAt(i);
                boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_' || c == '~';
                if (!unreserved) {
                    return null;
                }
            }
        }
        return segments;
    }

    /**
     * Sizes and counts.
     *
     * @param memoryBytes what the cached stills weigh now (bytes plus a fixed overhead per entry)
     * @param memoryBound the configured bound of {@code memoryBytes}
     * @param memoryEntries cached stills and remembered failures
     * @param diskBytes the size of the disk cache's files
     * @param upstreamFetches how many times a still was fetched upstream since start
     */
    public record Stats(long memoryBytes, long memoryBound, long memoryEntries, long diskBytes,
            long upstreamFetches) {}

    /** A cached answer for a still: the still, or a failure remembered briefly. */
    private sealed interface Outcome permits Ready, Failed {
        int weight();

        long fetchedAt();

        boolean failed();
    }

    private record Ready(Stored stored, String etag) implements Outcome {
        @Override
        public int weight() {
            return stored.bytes().length + ENTRY_OVERHEAD;
        }

        @Override
        public long fetchedAt() {
            return stored.fetchedAt();
        }

        @Override
        public boolean failed() {
            return false;
        }
    }

    private record Failed(String reason, long fetchedAt) implements Outcome {
        @Override
        public int weight() {
            return ENTRY_OVERHEAD;
        }

        @Override
        public boolean failed() {
            return true;
        }
    }

    /** The provider's title of a content (null: it gave none), or a failure to ask, remembered briefly. */
    private record Title(@Nullable String title, long fetchedAt, boolean failed) {}

    /** Entries live for the lifetime counted from when they were fetched; failures for the failure lifetime. */
    private final class Lifetimes<K, V> implements Expiry<K, V> {
        private final java.util.function.ToLongFunction<V> fetchedAt;
        private final java.util.function.Predicate<V> failed;

        Lifetimes(java.util.function.ToLongFunction<V> fetchedAt, java.util.function.Predicate<V> failed) {
            this.fetchedAt = fetchedAt;
            this.failed = failed;
        }

        /**
         * What is left of the entry's lifetime, counted from when it was fetched (or failed), not from when the cache
         * got to the completed future, which may be later.
         */
        private long nanos(V value) {
            long total = failed.test(value) ? failureLifetime.toMillis() : lifetime.toMillis();
            long age = Math.max(0, clock.millis() - fetchedAt.applyAsLong(value));
            return Math.max(0, TimeUnit.MILLISECONDS.toNanos(total - age));
        }

        @Override
        public long expireAfterCreate(K key, V value, long currentTime) {
            return nanos(value);
        }

        @Override
        public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
            return nanos(value);
        }

        @Override
        public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /**
     * Configures a {@link PreviewService}. Each option may be set once; setting it again fails and names the option.
     */
    public static final class Builder {
        private final SetOnce options = new SetOnce("PreviewService.Builder");
        private final ProviderCatalogue catalogue;
        private final List<CookieKey> keys;
        private @Nullable String basePath;
        private @Nullable Path cacheDirectory;
        private @Nullable Long memoryBytes;
        private @Nullable Long diskBytes;
        private @Nullable Duration lifetime;
        private @Nullable Duration failureLifetime;
        private @Nullable Duration wait;
        private @Nullable Long maxImageBytes;
        private @Nullable UpstreamClient client;
        private @Nullable Integer fetchThreads;
        private @Nullable Clock clock;

        private Builder(ProviderCatalogue catalogue, List<CookieKey> keys) {
            this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
            this.keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
            if (this.keys.isEmpty()) {
                throw new IllegalArgumentException("previews need at least one key to sign their URLs");
            }
        }

        /**
         * Where the endpoints live, as the browser sees it (context path included), e.g. {@code /embed-consent};
         * preview URLs are {@code {basePath}/preview/...}. Default {@code /embed-consent}.
         */
        public Builder basePath(String basePath) {
            Objects.requireNonNull(basePath, "basePath");
            if (!basePath.startsWith("/") || basePath.endsWith("/") || basePath.contains("\"")
                    || basePath.contains("//")) {
                throw new IllegalArgumentException("basePath must be a path like \"/embed-consent\", got \""
                        + basePath + "\"");
            }
            options.claim("basePath");
            this.basePath = basePath;
            return this;
        }

        /** Keeps stills on disk in this folder too (created if needed), so they survive a restart. */
        public Builder cacheDirectory(Path directory) {
            options.claim("cacheDirectory");
            this.cacheDirectory = Objects.requireNonNull(directory, "cacheDirectory");
            return this;
        }

        /** The memory bound of cached stills in bytes; default 32 MiB. */
        public Builder memoryBytes(long bytes) {
            options.claim("memoryBytes");
            this.memoryBytes = atLeast("memoryBytes", bytes, 64 * 1024);
            return this;
        }

        /** The bound of the disk cache in bytes; default 256 MiB. */
        public Builder diskBytes(long bytes) {
            options.claim("diskBytes");
            this.diskBytes = atLeast("diskBytes", bytes, 64 * 1024);
            return this;
        }

        /** How long a fetched still (and title) is used before it is fetched again; default 7 days. */
        public Builder lifetime(Duration lifetime) {
            options.claim("lifetime");
            this.lifetime = positive("lifetime", lifetime);
            return this;
        }

        /** How long a failure is remembered, during which nothing is fetched for that key; default 5 minutes. */
        public Builder failureLifetime(Duration failureLifetime) {
            options.claim("failureLifetime");
            this.failureLifetime = positive("failureLifetime", failureLifetime);
            return this;
        }

        /** How long {@link #serve} waits for a fetch in progress before it answers with the fallback; default 5 s. */
        public Builder wait(Duration wait) {
            options.claim("wait");
            this.wait = positive("wait", wait);
            return this;
        }

        /** The largest still accepted; default 2 MiB. */
        public Builder maxImageBytes(long bytes) {
            options.claim("maxImageBytes");
            this.maxImageBytes = atLeast("maxImageBytes", bytes, 1024);
            return this;
        }

        /** The upstream client: its timeouts, resolver and TLS settings; default {@code UpstreamClient.builder().build()}. */
        public Builder client(UpstreamClient client) {
            options.claim("client");
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Upstream fetches at once; default 4. */
        public Builder fetchThreads(int threads) {
            options.claim("fetchThreads");
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("fetchThreads must be 1 to 64, got " + threads);
            }
            this.fetchThreads = threads;
            return this;
        }

        /** The clock of fetch times and lifetimes, in memory and on disk (tests); default the system clock. */
        public Builder clock(Clock clock) {
            options.claim("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public PreviewService build() {
            return new PreviewService(this);
        }

        private static long atLeast(String name, long value, long minimum) {
            if (value < minimum) {
                throw new IllegalArgumentException(name + " must be at least " + minimum + ", got " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
