package dev.embedconsent.consent;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.embedconsent.internal.SetOnce;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.RecordFormat;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The consent API: records decisions as proof (GDPR Art. 7(1)), answers "may this provider load?", and serves the
 * visitor's rights to withdraw (Art. 7(3)), to access (Art. 15) and to erasure (Art. 17), plus retention purges
 * (Art. 5(1)(e)). Immutable and thread-safe; build one per application and share it.
 *
 * <pre>{@code
 * ConsentService consent = ConsentService.builder(store, ProviderCatalogue.builtIn())
 *         .withValidity(Period.ofMonths(6))                // default; at most 13 months
 *         .withCache("maximumSize=10000,expireAfterWrite=30s") // default
 *         .build();
 * SubjectId visitor = SubjectId.random();
 * ConsentRecord proof = consent.grant(ConsentRequest.of(visitor, "youtube").withMethod(ConsentMethod.FORM));
 * consent.state(visitor).granted("youtube");   // true until withdrawn, expired or the notice version changes
 * consent.withdraw(ConsentRequest.of(visitor, "youtube"));
 * String art15 = consent.export(visitor);      // JSON
 * consent.erase(visitor);                       // tombstones; the chain still verifies
 * }</pre>
 *
 * <p>Guarantees:
 * <ul>
 *   <li>{@link #grant}, {@link #withdraw} and {@link #refuse} return only once the record is durable in the store
 *       (see {@link ConsentStore#append}); if they throw, nothing was acknowledged.</li>
 *   <li>After a write returns, {@link #state} and {@link #history} on this instance reflect it: the cache entry is
 *       invalidated before the call returns. Writes made through <em>other</em> instances (other nodes sharing a
 *       database) show up when this instance's cache entry expires ({@code expireAfterWrite} in the cache spec);
 *       use {@link Builder#withoutCache()} where that is not acceptable. {@link #consentedProviders} does not wait
 *       for a grant that the visitor's cookie already carries: it reads the store again at once.</li>
 *   <li>Consent counts only for the provider's current notice version and until its expiry; the {@code Sec-GPC}
 *       signal is recorded with the decision and never treated as consent.</li>
 * </ul>
 */
public final class ConsentService {

    /** The default validity of a decision: 6 months, the CNIL's recommended practice. */
    public static final Period DEFAULT_VALIDITY = Period.ofMonths(6);
    /** The longest allowed validity: 13 months. */
    public static final Period MAX_VALIDITY = Period.ofMonths(13);
    /** The default cache spec (Caffeine syntax). */
    public static final String DEFAULT_CACHE_SPEC = "maximumSize=10000,expireAfterWrite=30s";

    /** How long {@link #consentedProviders} waits for the store by default before it answers without it. */
    public static final Duration DEFAULT_LOOKUP_WAIT = Duration.ofSeconds(1);

    private static final LocalDate REFERENCE_DAY = LocalDate.of(2001, 1, 1);

    /**
     * Runs the store reads of {@link #consentedProviders}, so that a caller can stop waiting while the read goes on
     * (and fills the cache when the store answers). Shared by all instances; its threads end when idle. While the
     * store is away each read may take the store's whole retry time, so the queue is bounded: beyond it a look-up
     * fails at once instead of holding a request.
     */
    private static final ThreadPoolExecutor LOOKUPS = lookupExecutor();

    private static ThreadPoolExecutor lookupExecutor() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(4, 4, 10, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024), task -> {
                    Thread thread = new Thread(task, "embed-consent-lookup");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private final ConsentStore store;
    private final Function<String, Optional<Provider>> providers;
    private final Period validity;
    private final Clock clock;
    private final @Nullable Cache<SubjectId, List<ConsentRecord>> cache;
    private final Duration lookupWait;
    /** Reads of {@link #consentedProviders} in progress, one per subject, shared by the requests waiting for it. */
    private final ConcurrentHashMap<SubjectId, CompletableFuture<List<ConsentRecord>>> lookups =
            new ConcurrentHashMap<>();

    private ConsentService(Builder b) {
        this.store = b.store;
        this.providers = b.providers;
        this.validity = b.validity == null ? DEFAULT_VALIDITY : b.validity;
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.lookupWait = b.lookupWait == null ? DEFAULT_LOOKUP_WAIT : b.lookupWait;
        if (b.noCache) {
            this.cache = null;
        } else {
            this.cache = Caffeine.from(b.cacheSpec == null ? DEFAULT_CACHE_SPEC : b.cacheSpec).build();
        }
    }

    public static Builder builder(ConsentStore store, ProviderCatalogue catalogue) {
        Objects.requireNonNull(catalogue, "catalogue");
        return new Builder(store, catalogue::get);
    }

    /** @param providers looks a provider up by id, e.g. {@code catalogue::get} */
    public static Builder builder(ConsentStore store, Function<String, Optional<Provider>> providers) {
        return new Builder(store, providers);
    }

    /**
     * Records that the subject gives consent for the provider's current notice.
     *
     * @throws IllegalArgumentException if the provider is unknown
     * @throws dev.embedconsent.store.StoreException if the record could not be stored durably
     */
    public ConsentRecord grant(ConsentRequest request) {
        return record(Decision.GIVEN, request);
    }

    /** Records a withdrawal; from now on {@link #state} no longer counts earlier consent. */
    public ConsentRecord withdraw(ConsentRequest request) {
        return record(Decision.WITHDRAWN, request);
    }

    /** Records a refusal. */
    public ConsentRecord refuse(ConsentRequest request) {
        return record(Decision.REFUSED, request);
    }

    /**
     * Records {@code decision} ({@code given}, {@code withdrawn} or {@code refused}).
     *
     * @throws IllegalArgumentException for {@link Decision#EXPIRED}, which only the service derives, or an unknown
     *     provider
     */
    public ConsentRecord record(Decision decision, ConsentRequest request) {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(request, "request");
        if (decision == Decision.EXPIRED) {
            throw new IllegalArgumentException("'expired' is derived from time and notice version, never recorded");
        }
        Provider provider = provider(request.provider());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ConsentRecord.Draft draft = new ConsentRecord.Draft(RecordFormat.newRecordId(), ConsentRecord.SCHEMA_VERSION,
                request.subject(), provider.id(), provider.purposes(), provider.recipient(), decision,
                request.scope(), provider.noticeVersion(), request.language(), request.page(), request.method(),
                request.gpc(), now, expiryFrom(now));
        try {
            return store.append(draft);
        } finally {
            invalidate(request.subject());
        }
    }

    /** The subject's standing decisions as they read now (notice versions and expiry applied). */
    public ConsentState state(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        return stateOf(subject, history(subject));
    }

    private ConsentState stateOf(SubjectId subject, List<ConsentRecord> history) {
        Instant now = clock.instant();
        Map<String, ConsentRecord> latest = new HashMap<>();
        for (ConsentRecord record : history) {
            if (record.decision() == Decision.GIVEN && record.scope() == Scope.ONCE) {
                continue;
            }
            latest.put(record.provider(), record);
        }
        Map<String, ProviderConsent> out = new HashMap<>();
        latest.forEach((id, record) -> out.put(id, new ProviderConsent(id, effective(record, now),
                record.noticeVersion(), record.timestamp(), record.expiry(), record.recordId())));
        return new ConsentState(subject, out);
    }

    /** Every record of the subject still stored, oldest first. */
    public List<ConsentRecord> history(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        if (cache == null) {
            return store.history(subject);
        }
        List<ConsentRecord> cached = cache.getIfPresent(subject);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<List<ConsentRecord>> mine = new CompletableFuture<>();
        if (lookups.putIfAbsent(subject, mine) != null) {
            // A page's look-up is in flight, maybe still queued behind reads of a store that is away: this caller
            // must answer, so it reads on its own thread and leaves the caching to that look-up.
            return store.history(subject);
        }
        read(subject, mine);
        try {
            return mine.get();
        } catch (ExecutionException | InterruptedException e) {
            throw readFailure(e);
        }
    }

    /** What a caller of a read that failed (or whose wait was interrupted) gets thrown. */
    private static RuntimeException readFailure(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new StoreException("interrupted while reading the consent state", e);
        }
        Throwable cause = e.getCause();
        return cause instanceof RuntimeException r ? r : new StoreException("reading the consent state failed", cause);
    }

    /**
     * Reads the subject's history into {@code result}, which is in {@link #lookups} already, and caches it unless a
     * change to the subject came in meanwhile ({@link #invalidate} took {@code result} out of {@link #lookups}).
     *
     * <p>The store is read outside the cache: a cache that loads through its own map's compute holds a lock on a bin
     * of that map for the whole read, and while the store is away (each read taking its whole retry time) a change or
     * a page of any other subject whose key falls into that bin would wait as long.
     */
    private void read(SubjectId subject, CompletableFuture<List<ConsentRecord>> result) {
        try {
            List<ConsentRecord> records = store.history(subject);
            // Leaves the in-flight map before it completes, so that a caller who has seen the result and then
            // changed the subject's consent never joins this (now stale) read again. Cached under the in-flight
            // map's lock for the subject, which invalidate takes too: either this put comes first and the
            // invalidation removes it, or the invalidation comes first and this read is not cached.
            lookups.computeIfPresent(subject, (key, running) -> {
                if (running != result) {
                    return running;
                }
                if (cache != null) {
                    cache.put(subject, records);
                }
                return null;
            });
            result.complete(records);
        } catch (Throwable t) {
            lookups.remove(subject, result);
            result.completeExceptionally(t);
        }
    }

    /**
     * Everything stored about the subject (GDPR Art. 15), as JSON; see {@link ConsentExport} for the shape.
     */
    public String export(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        List<ConsentRecord> records = store.history(subject);
        return ConsentExport.toJson(subject, records, state(subject), clock.instant());
    }

    /**
     * Erases every record of the subject (GDPR Art. 17), leaving tombstones that keep the chain verifiable.
     *
     * @return how many records were erased
     */
    public int erase(SubjectId subject) {
        Objects.requireNonNull(subject, "subject");
        try {
            return store.erase(subject, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        } finally {
            invalidate(subject);
        }
    }

    /**
     * Purges records older than {@code age} (a {@link Period} or {@link java.time.Duration}) whose expiry has
     * passed; decisions still in force are kept.
     *
     * @return how many records were purged
     */
    public int purge(TemporalAmount age) {
        Objects.requireNonNull(age, "age");
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant cutoff = now.atZone(ZoneOffset.UTC).minus(age).toInstant();
        try {
            return store.purge(cutoff, now);
        } finally {
            lookups.clear();
            if (cache != null) {
                cache.invalidateAll();
            }
        }
    }

    /** The cookie content for the subject's standing, unexpired decisions; it expires with the validity. */
    public ConsentCookie cookieFor(SubjectId subject) {
        Instant now = clock.instant();
        List<CookieDecision> decisions = new ArrayList<>();
        for (ProviderConsent consent : state(subject).providers().values()) {
            if (consent.decision() != Decision.EXPIRED) {
                decisions.add(new CookieDecision(consent.provider(), consent.decision(), consent.noticeVersion(),
                        consent.expiry()));
            }
        }
        return new ConsentCookie(subject, decisions, expiryFrom(now).truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * The providers whose consent a (verified) cookie proves right now: decision {@code given}, unexpired, made on the
     * provider's current notice version, and still standing in the store. The store check means a withdrawal or an
     * erasure made elsewhere (another device, {@code records erase}) ends consent even while an older cookie is valid;
     * it goes through the state cache, so it costs a look-up only after a write or when the cache entry expired.
     *
     * <p>A cookie can be newer than this instance's cached state: the grant it carries was recorded through another
     * instance (another node) after the state was cached. Then the store is read again at once instead of when the
     * entry expires, so a grant counts on every node from the next request on. (A cookie whose grant the store no
     * longer holds, after an erasure, or replaced by a withdrawal within the same second, costs that look-up on each
     * request it comes with.)
     *
     * <p>It is meant for rendering a page, so it never holds the page long: when the state must be read and the store
     * does not answer within the look-up wait ({@link Builder#withLookupWait}, default 1 s), it throws a
     * {@link StoreException} and the read goes on in the background, filling the cache once the store answers. A
     * caller then renders as without consent (placeholders), which is what the filter does.
     *
     * @throws StoreException if the store failed, or did not answer within the look-up wait
     */
    public Set<String> consentedProviders(ConsentCookie cookie) {
        Set<String> granted = signedGrants(cookie);
        if (granted.isEmpty()) {
            return Set.of();
        }
        ConsentState state = standingState(cookie, granted);
        Set<String> out = new LinkedHashSet<>(granted);
        out.retainAll(state.consentedProviders());
        return Set.copyOf(out);
    }

    /** The subject's state as cached, unless the cookie may be newer; else as read now, waiting at most the wait. */
    private ConsentState standingState(ConsentCookie cookie, Set<String> granted) {
        SubjectId subject = cookie.subject();
        if (cache != null) {
            List<ConsentRecord> cached = cache.getIfPresent(subject);
            if (cached != null) {
                ConsentState state = stateOf(subject, cached);
                if (!olderThan(state, cookie, granted)) {
                    return state;
                }
                cache.invalidate(subject);
            }
        }
        CompletableFuture<List<ConsentRecord>> mine = new CompletableFuture<>();
        CompletableFuture<List<ConsentRecord>> lookup = lookups.putIfAbsent(subject, mine);
        if (lookup == null) {
            lookup = mine;
            startLookup(subject, mine);
        }
        try {
            return stateOf(subject, lookup.get(lookupWait.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            throw new StoreException("the consent store did not answer within " + lookupWait.toMillis()
                    + " ms; the look-up goes on in the background");
        } catch (ExecutionException | InterruptedException e) {
            throw readFailure(e);
        }
    }

    /** Reads the subject's history into {@code result} on the look-up threads; it is in {@link #lookups} already. */
    private void startLookup(SubjectId subject, CompletableFuture<List<ConsentRecord>> result) {
        try {
            LOOKUPS.execute(() -> read(subject, result));
        } catch (RejectedExecutionException e) {
            lookups.remove(subject, result);
            result.completeExceptionally(new StoreException(
                    "too many consent look-ups are waiting for the store; answering without it", e));
        }
    }

    /**
     * The providers a (verified) cookie grants on its own, without asking the store: decision {@code given},
     * unexpired, on the current notice version. For short-lived signed grants such as a "load once" cookie, which
     * never become standing consent in the store.
     */
    public Set<String> signedGrants(ConsentCookie cookie) {
        Instant now = clock.instant();
        if (!cookie.expires().isAfter(now)) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (CookieDecision decision : cookie.decisions()) {
            if (decision.decision() == Decision.GIVEN && decision.expiry().isAfter(now)
                    && currentNotice(decision.provider()).filter(decision.noticeVersion()::equals).isPresent()) {
                out.add(decision.provider());
            }
        }
        return Set.copyOf(out);
    }

    public Period validity() {
        return validity;
    }

    public ConsentStore store() {
        return store;
    }

    /**
     * Whether {@code state} may lack a grant of {@code granted} that the cookie carries: it holds no decision for the
     * provider, or one made earlier (its expiry is earlier; every instance has the same validity), or, within the same
     * second (the cookie keeps whole seconds), one that does not count as a grant. A later decision, or the same grant,
     * is served as cached.
     */
    private static boolean olderThan(ConsentState state, ConsentCookie cookie, Set<String> granted) {
        for (CookieDecision decision : cookie.decisions()) {
            if (decision.decision() == Decision.GIVEN && granted.contains(decision.provider())) {
                ProviderConsent known = state.providers().get(decision.provider());
                if (known == null) {
                    return true;
                }
                long knownSecond = known.expiry().getEpochSecond();
                long cookieSecond = decision.expiry().getEpochSecond();
                if (knownSecond < cookieSecond || knownSecond == cookieSecond && !known.granted()) {
                    return true;
                }
            }
        }
        return false;
    }

    private Decision effective(ConsentRecord record, Instant now) {
        if (record.decision() == Decision.WITHDRAWN) {
            return Decision.WITHDRAWN;
        }
        boolean current = currentNotice(record.provider()).filter(record.noticeVersion()::equals).isPresent();
        if (!record.expiry().isAfter(now) || !current) {
            return Decision.EXPIRED;
        }
        return record.decision();
    }

    private Optional<String> currentNotice(String providerId) {
        return providers.apply(providerId).map(Provider::noticeVersion);
    }

    private Provider provider(String id) {
        return providers.apply(id).orElseThrow(() -> new IllegalArgumentException("unknown provider '" + id + "'"));
    }

    private Instant expiryFrom(Instant now) {
        return now.atZone(ZoneOffset.UTC).plus(validity).toInstant();
    }

    private void invalidate(SubjectId subject) {
        // a read started before this change must not answer requests that come after it, nor be cached
        lookups.compute(subject, (key, running) -> {
            if (cache != null) {
                cache.invalidate(subject);
            }
            return null;
        });
    }

    /**
     * Configures a {@link ConsentService}. Each option may be set once; setting one twice fails and names it.
     * Not thread-safe; the service it builds is.
     */
    public static final class Builder {
        private final ConsentStore store;
        private final Function<String, Optional<Provider>> providers;
        private @Nullable Period validity;
        private @Nullable Clock clock;
        private @Nullable String cacheSpec;
        private boolean noCache;
        private @Nullable Duration lookupWait;
        private final SetOnce options = new SetOnce("ConsentService.Builder");

        private Builder(ConsentStore store, Function<String, Optional<Provider>> providers) {
            this.store = Objects.requireNonNull(store, "store");
            this.providers = Objects.requireNonNull(providers, "providers");
        }

        /**
         * How long a decision counts; default 6 months.
         *
         * @throws IllegalArgumentException if not positive or longer than 13 months (396 days)
         */
        public Builder withValidity(Period validity) {
            Objects.requireNonNull(validity, "validity");
            LocalDate end = REFERENCE_DAY.plus(validity);
            if (!end.isAfter(REFERENCE_DAY)) {
                throw new IllegalArgumentException("validity must be positive, got " + validity);
            }
            if (end.isAfter(REFERENCE_DAY.plus(MAX_VALIDITY))) {
                throw new IllegalArgumentException("validity " + validity
                        + " is longer than the 13 months (P13M, 396 days) that regulators accept for consent");
            }
            options.claim("validity");
            this.validity = validity;
            return this;
        }

        /**
         * The Caffeine spec of the state cache, e.g. {@code maximumSize=10000,expireAfterWrite=30s}.
         *
         * @throws IllegalArgumentException if the spec is malformed
         */
        public Builder withCache(String spec) {
            Objects.requireNonNull(spec, "spec");
            Caffeine.from(spec);
            options.claim("cache");
            this.cacheSpec = spec;
            return this;
        }

        /** Reads the store on every look-up. */
        public Builder withoutCache() {
            options.claim("cache");
            this.noCache = true;
            return this;
        }

        /**
         * How long {@link ConsentService#consentedProviders} waits for the store before it gives up for that call
         * (the page then shows placeholders); default 1 s.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder withLookupWait(Duration wait) {
            Objects.requireNonNull(wait, "wait");
            if (wait.isNegative() || wait.isZero()) {
                throw new IllegalArgumentException("lookup wait must be positive, got " + wait);
            }
            options.claim("lookupWait");
            this.lookupWait = wait;
            return this;
        }

        public Builder withClock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            options.claim("clock");
            this.clock = clock;
            return this;
        }

        public ConsentService build() {
            return new ConsentService(this);
        }
    }
}
