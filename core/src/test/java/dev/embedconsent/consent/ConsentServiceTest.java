package dev.embedconsent.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.Provider;
import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.ChainCountingStore;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.ForwardingConsentStore;
import dev.embedconsent.store.InMemoryConsentStore;
import dev.embedconsent.store.StoreException;
import dev.embedconsent.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ConsentServiceTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final Map<String, Provider> providers = new ConcurrentHashMap<>(Map.of(
            "youtube", provider("youtube", "Google Ireland Limited", "2024-06-01"),
            "vimeo", provider("vimeo", "Vimeo.com, Inc.", "3")));
    private final InMemoryConsentStore store = new InMemoryConsentStore();
    private final ConsentService service = ConsentService.builder(store, id -> Optional.ofNullable(providers.get(id)))
            .withClock(clock).build();
    private final SubjectId visitor = SubjectId.random();

    @Test
    void grantRecordsEveryFieldAndCountsAsConsent() {
        ConsentRecord record = service.grant(ConsentRequest.of(visitor, "youtube").withMethod(ConsentMethod.FORM)
                .withLanguage("de").withPage("/news/visit?utm=x#top"));
        assertEquals(visitor, record.subject());
        assertEquals("youtube", record.provider());
        assertEquals("Google Ireland Limited", record.recipient());
        assertEquals(List.of("Video playback", "Advertising"), record.purposes());
        assertEquals(Decision.GIVEN, record.decision());
        assertEquals(Scope.PROVIDER, record.scope());
        assertEquals("2024-06-01", record.noticeVersion());
        assertEquals("de", record.language());
        assertEquals("/news/visit", record.page(), "query and fragment may hold personal data");
        assertEquals(ConsentMethod.FORM, record.method());
        assertEquals(START, record.timestamp());
        assertEquals(Instant.parse("2026-09-01T12:00:00Z"), record.expiry(), "default validity is 6 months");
        assertEquals(ConsentRecord.SCHEMA_VERSION, record.schemaVersion());
        assertTrue(service.state(visitor).granted("youtube"));
        assertEquals(Set.of("youtube"), service.state(visitor).consentedProviders());
    }

    @Test
    void withdrawAndRefuseEndConsent() {
        service.grant(ConsentRequest.of(visitor, "youtube"));
        service.withdraw(ConsentRequest.of(visitor, "youtube"));
        assertEquals(Decision.WITHDRAWN, service.state(visitor).get("youtube").orElseThrow().decision());
        assertFalse(service.state(visitor).granted("youtube"));
        service.refuse(ConsentRequest.of(visitor, "vimeo"));
        assertEquals(Decision.REFUSED, service.state(visitor).get("vimeo").orElseThrow().decision());
        assertEquals(Set.of(), service.state(visitor).consentedProviders());
        assertEquals(3, service.history(visitor).size());
    }

    @Test
    void aChangedNoticeVersionInvalidatesEarlierConsent() {
        service.grant(ConsentRequest.of(visitor, "youtube"));
        providers.put("youtube", provider("youtube", "Google Ireland Limited", "2026-03-01"));
        ProviderConsent consent = service.state(visitor).get("youtube").orElseThrow();
        assertEquals(Decision.EXPIRED, consent.decision());
        assertEquals("2024-06-01", consent.noticeVersion());
        service.grant(ConsentRequest.of(visitor, "youtube"));
        assertTrue(service.state(visitor).granted("youtube"));
    }

    @Test
    void consentExpiresAfterTheValidity() {
        ConsentService shortLived = ConsentService.builder(store, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).withValidity(Period.ofMonths(1)).withoutCache().build();
        shortLived.grant(ConsentRequest.of(visitor, "vimeo"));
        clock.advance(Duration.ofDays(30));
        assertTrue(shortLived.state(visitor).granted("vimeo"));
        clock.advance(Duration.ofDays(2));
        assertEquals(Decision.EXPIRED, shortLived.state(visitor).get("vimeo").orElseThrow().decision());
    }

    @Test
    void onceGrantsAreRecordedButNeverStandingConsent() {
        ConsentRecord once = service.grant(ConsentRequest.of(visitor, "youtube").withScope(Scope.ONCE));
        assertEquals(Scope.ONCE, once.scope());
        assertEquals(List.of(once), service.history(visitor));
        assertFalse(service.state(visitor).granted("youtube"));
    }

    @Test
    void gpcIsRecordedButNeverTreatedAsConsent() {
        ConsentRecord refused = service.refuse(ConsentRequest.of(visitor, "youtube").withGpc(true));
        assertTrue(refused.gpc());
        assertFalse(service.state(visitor).granted("youtube"));
        ConsentRecord granted = service.grant(ConsentRequest.of(visitor, "vimeo").withGpc(true));
        assertTrue(granted.gpc(), "an explicit click still counts, with the signal kept as evidence");
    }

    @Test
    void unknownProvidersAndDerivedDecisionsAreRejected() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> service.grant(ConsentRequest.of(visitor, "myspace")));
        assertTrue(unknown.getMessage().contains("myspace"));
        assertThrows(IllegalArgumentException.class,
                () -> service.record(Decision.EXPIRED, ConsentRequest.of(visitor, "youtube")));
        assertEquals(0, service.history(visitor).size());
    }

    @Test
    void validityIsCappedAtThirteenMonths() {
        ConsentService.Builder builder = ConsentService.builder(store, id -> Optional.empty());
        builder.withValidity(Period.ofMonths(13));
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> builder.withValidity(Period.ofMonths(3)));
        assertTrue(twice.getMessage().contains("validity"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> ConsentService.builder(store, id -> Optional.empty()).withValidity(Period.ofDays(397)));
        assertTrue(tooLong.getMessage().contains("13 months"));
        assertThrows(IllegalArgumentException.class,
                () -> ConsentService.builder(store, id -> Optional.empty()).withValidity(Period.ofMonths(14)));
        assertThrows(IllegalArgumentException.class,
                () -> ConsentService.builder(store, id -> Optional.empty()).withValidity(Period.ZERO));
        assertEquals(Period.ofDays(396), ConsentService.builder(store, id -> Optional.empty())
                .withValidity(Period.ofDays(396)).build().validity());
        assertThrows(IllegalArgumentException.class,
                () -> ConsentService.builder(store, id -> Optional.empty()).withCache("maximumSize=oops"));
    }

    @Test
    void cachedStateIsInvalidatedByEveryWrite() {
        ChainCountingStore counting = new ChainCountingStore(new InMemoryConsentStore());
        ConsentService cached = ConsentService.builder(counting, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).withCache("maximumSize=100").build();
        cached.grant(ConsentRequest.of(visitor, "youtube"));
        assertTrue(cached.state(visitor).granted("youtube"));
        assertTrue(cached.state(visitor).granted("youtube"));
        assertEquals(1, counting.historyReads(), "second look-up must come from the cache");
        cached.withdraw(ConsentRequest.of(visitor, "youtube"));
        assertFalse(cached.state(visitor).granted("youtube"), "a write must invalidate the cached state");
        assertEquals(2, counting.historyReads());
        cached.erase(visitor);
        assertEquals(Map.of(), cached.state(visitor).providers());
    }

    @Test
    void exportHoldsEveryRecordAndTheState() {
        service.grant(ConsentRequest.of(visitor, "youtube").withPage("/a").withLanguage("en"));
        service.refuse(ConsentRequest.of(visitor, "vimeo"));
        service.grant(ConsentRequest.of(SubjectId.random(), "youtube"));
        JsonNode json = JsonMapper.builder().build().readTree(service.export(visitor));
        assertEquals(visitor.value(), json.get("subject").stringValue());
        assertEquals(2, json.get("records").size());
        JsonNode first = json.get("records").get(0);
        for (String field : List.of("recordId", "schemaVersion", "subject", "provider", "purposes", "recipient",
                "decision", "scope", "noticeVersion", "language", "page", "method", "gpc", "timestamp", "expiry",
                "previousHash", "hash")) {
            assertTrue(first.has(field), "export lacks " + field);
        }
        assertEquals("given", json.get("state").get("youtube").get("decision").stringValue());
        assertEquals("refused", json.get("state").get("vimeo").get("decision").stringValue());
    }

    @Test
    void eraseLeavesNothingOfTheSubjectAndTheChainVerifies() {
        service.grant(ConsentRequest.of(visitor, "youtube"));
        SubjectId other = SubjectId.random();
        service.grant(ConsentRequest.of(other, "youtube"));
        service.withdraw(ConsentRequest.of(visitor, "youtube"));
        assertEquals(2, service.erase(visitor));
        assertEquals(List.of(), service.history(visitor));
        assertEquals(Map.of(), service.state(visitor).providers());
        assertTrue(service.state(other).granted("youtube"));
        assertTrue(store.verify().valid());
        assertTrue(JsonMapper.builder().build().readTree(service.export(visitor)).get("records").isEmpty());
    }

    @Test
    void purgeKeepsDecisionsStillInForce() {
        service.grant(ConsentRequest.of(visitor, "youtube"));
        clock.advance(Duration.ofDays(300));
        service.grant(ConsentRequest.of(visitor, "vimeo"));
        clock.advance(Duration.ofDays(120));
        assertEquals(1, service.purge(Period.ofDays(400)));
        assertEquals(List.of("vimeo"), service.history(visitor).stream().map(ConsentRecord::provider).toList());
        assertEquals(0, service.purge(Duration.ofDays(1)), "vimeo's consent is still in force");
        assertTrue(store.verify().valid());
    }

    @Test
    void cookieCarriesStandingDecisionsAndIsCheckedAgainstCurrentNotices() {
        service.grant(ConsentRequest.of(visitor, "youtube"));
        service.refuse(ConsentRequest.of(visitor, "vimeo"));
        ConsentCookie cookie = service.cookieFor(visitor);
        assertEquals(visitor, cookie.subject());
        assertEquals(2, cookie.decisions().size());
        assertEquals(Set.of("youtube"), service.consentedProviders(cookie));
        providers.put("youtube", provider("youtube", "Google Ireland Limited", "2027"));
        assertEquals(Set.of(), service.consentedProviders(cookie), "new notice version: ask again");
    }

    @Test
    void aValidCookieProvesNothingTheStoreNoLongerHolds() {
        service.grant(ConsentRequest.of(visitor, "youtube"));
        service.grant(ConsentRequest.of(visitor, "vimeo"));
        ConsentCookie cookie = service.cookieFor(visitor);
        assertEquals(Set.of("youtube", "vimeo"), service.consentedProviders(cookie));
        service.withdraw(ConsentRequest.of(visitor, "vimeo"));
        assertEquals(Set.of("youtube"), service.consentedProviders(cookie), "withdrawn on another device");
        service.erase(visitor);
        assertEquals(Set.of(), service.consentedProviders(cookie), "erased: no proof, no consent");
    }

    @Test
    void aGrantMadeThroughAnotherInstanceCountsAtOnceWithTheCookieThatCarriesIt() {
        ConsentService nodeA = ConsentService.builder(store, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).build();
        ChainCountingStore readsOfB = new ChainCountingStore(store);
        ConsentService nodeB = ConsentService.builder(readsOfB, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).build();
        nodeA.grant(ConsentRequest.of(visitor, "vimeo"));
        assertEquals(Set.of("vimeo"), nodeB.consentedProviders(nodeA.cookieFor(visitor)), "B caches the state");

        nodeA.grant(ConsentRequest.of(visitor, "youtube"));
        ConsentCookie granted = nodeA.cookieFor(visitor);
        int reads = readsOfB.historyReads();
        assertEquals(Set.of("vimeo", "youtube"), nodeB.consentedProviders(granted),
                "B's cached state is older than the cookie, so B reads the store again instead of waiting for expiry");
        assertEquals(reads + 1, readsOfB.historyReads());
        assertEquals(Set.of("vimeo", "youtube"), nodeB.consentedProviders(granted));
        assertEquals(reads + 1, readsOfB.historyReads(), "then B's cache answers again");

        nodeA.withdraw(ConsentRequest.of(visitor, "youtube"));
        assertEquals(Set.of("vimeo"), nodeB.consentedProviders(nodeA.cookieFor(visitor)),
                "the cookie the withdrawal set holds no grant for youtube");
        nodeB.consentedProviders(granted);
        assertEquals(reads + 1, readsOfB.historyReads(), "a cookie no newer than B's cached state costs no look-up");
    }

    @Test
    void aGrantMadeAfterACachedWithdrawalIsReadAgainAlsoWithinTheSameSecond() {
        ConsentService nodeA = ConsentService.builder(store, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).build();
        ConsentService nodeB = ConsentService.builder(store, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).build();
        nodeA.grant(ConsentRequest.of(visitor, "youtube"));
        nodeA.withdraw(ConsentRequest.of(visitor, "youtube"));
        assertFalse(nodeB.state(visitor).granted("youtube"), "B caches the withdrawal");
        clock.advance(Duration.ofSeconds(3));
        nodeA.grant(ConsentRequest.of(visitor, "youtube"));
        assertEquals(Set.of("youtube"), nodeB.consentedProviders(nodeA.cookieFor(visitor)), "a later grant");

        nodeB.withdraw(ConsentRequest.of(visitor, "youtube"));
        assertFalse(nodeB.state(visitor).granted("youtube"), "B caches its own withdrawal");
        nodeA.grant(ConsentRequest.of(visitor, "youtube"));
        assertEquals(Set.of("youtube"), nodeB.consentedProviders(nodeA.cookieFor(visitor)),
                "the cookie keeps whole seconds, so a withdrawal of the same second may be the older decision");
    }

    @Test
    void aStoreThatDoesNotAnswerHoldsARenderingLookUpOnlyForTheLookUpWait() throws Exception {
        service.grant(ConsentRequest.of(visitor, "youtube"));
        ConsentCookie cookie = service.cookieFor(visitor);
        StallingStore stalling = new StallingStore(store);
        ConsentService otherNode = ConsentService.builder(stalling, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).withLookupWait(Duration.ofMillis(200)).build();
        stalling.stall();
        List<Long> elapsed = new CopyOnWriteArrayList<>();
        List<Thread> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread request = new Thread(() -> {
                long start = System.nanoTime();
                assertThrows(StoreException.class, () -> otherNode.consentedProviders(cookie));
                elapsed.add(System.nanoTime() - start);
            });
            request.start();
            requests.add(request);
        }
        for (Thread request : requests) {
            request.join(10_000);
        }
        assertEquals(3, elapsed.size(), "every page look-up ended: " + elapsed);
        for (long nanos : elapsed) {
            assertTrue(nanos >= Duration.ofMillis(150).toNanos() && nanos < Duration.ofSeconds(3).toNanos(),
                    "waited about the look-up wait, not for the store: " + nanos / 1_000_000 + " ms");
        }
        assertEquals(1, stalling.reads.get(), "the requests waiting for one visitor share one read");

        stalling.answer();
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Set<String> consented = Set.of();
        while (consented.isEmpty() && System.nanoTime() < until) {
            try {
                consented = otherNode.consentedProviders(cookie);
            } catch (StoreException e) {
                Thread.sleep(20);
            }
        }
        assertEquals(Set.of("youtube"), consented, "the read that went on in the background filled the cache");
        assertEquals(1, stalling.reads.get(), "and later requests use it");
    }

    /**
     * The soak test's finding: while the database was away, a page of one visitor waited 5 s, the store's whole retry
     * time, although the look-up wait is 1 s. The state cache read the store inside its own map's compute, which
     * holds a lock on the map's bin, and a change of another visitor whose key fell into that bin waited for it.
     */
    @Test
    void aStalledReadOfOneVisitorHoldsNoOtherVisitorsChangeOrPage() throws Exception {
        StallingStore stalling = new StallingStore(store);
        ConsentService node = ConsentService.builder(stalling, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).withLookupWait(Duration.ofMillis(200)).build();
        stalling.stall();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            SubjectId reader = SubjectId.random();
            Thread thread = new Thread(() -> {
                try {
                    node.state(reader);
                } catch (StoreException expected) {
                    // the store answered "still away" or was interrupted at the end of the test
                }
            });
            thread.setDaemon(true);
            thread.start();
            readers.add(thread);
        }
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stalling.reads.get() < readers.size() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(readers.size(), stalling.reads.get(), "every reader waits in the store");
        try {
            for (int i = 0; i < 64; i++) {
                SubjectId other = SubjectId.random();
                long start = System.nanoTime();
                Thread change = new Thread(() -> {
                    node.grant(ConsentRequest.of(other, "youtube"));
                    node.withdraw(ConsentRequest.of(other, "youtube"));
                });
                change.setDaemon(true);
                change.start();
                change.join(3_000);
                assertFalse(change.isAlive(), "visitor " + i + "'s grant and withdrawal waited for the reads of "
                        + "other visitors the store does not answer");
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "visitor " + i);
            }
        } finally {
            stalling.answer();
            for (Thread reader : readers) {
                reader.join(5_000);
            }
        }
        assertEquals(32, stalling.reads.get(), "one read each");
    }

    @Test
    void aReadThatAChangeOvertookIsNotCached() throws Exception {
        StallingStore stalling = new StallingStore(store);
        ConsentService node = ConsentService.builder(stalling, id -> Optional.ofNullable(providers.get(id)))
                .withClock(clock).build();
        stalling.stall();
        List<ConsentState> seen = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> seen.add(node.state(visitor)));
        reader.start();
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stalling.reads.get() < 1 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        node.grant(ConsentRequest.of(visitor, "youtube"));
        stalling.answer();
        reader.join(5_000);
        assertEquals(1, seen.size(), "the read ended");
        assertTrue(node.state(visitor).granted("youtube"), "the state read after the grant holds it: the read that "
                + "started before the grant answered its caller but was not cached");
        assertEquals(2, stalling.reads.get(), "the state was read again");
    }

    /** A store whose history reads hang, as a database that is away does, until it answers again. */
    private static final class StallingStore extends ForwardingConsentStore {
        private final AtomicInteger reads = new AtomicInteger();
        private volatile CountDownLatch away = new CountDownLatch(0);

        StallingStore(ConsentStore delegate) {
            super(delegate);
        }

        void stall() {
            away = new CountDownLatch(1);
        }

        void answer() {
            away.countDown();
        }

        @Override
        public List<ConsentRecord> history(SubjectId subject) {
            reads.incrementAndGet();
            try {
                if (!away.await(30, TimeUnit.SECONDS)) {
                    throw new StoreException("still away");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted", e);
            }
            return super.history(subject);
        }
    }

    static Provider provider(String id, String recipient, String noticeVersion) {
        return new Provider(id, id, recipient, "https://example.com/privacy", List.of("Video playback", "Advertising"),
                List.of("IP address"), true, noticeVersion, List.of(id + ".com"), List.of());
    }
}
