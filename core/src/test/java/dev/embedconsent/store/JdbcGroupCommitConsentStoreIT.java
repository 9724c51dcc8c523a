package dev.embedconsent.store;

import java.nio.file.Path;

class JdbcGroupCommitConsentStoreIT extends ConsentStoreContract {
    @Override
    protected ConsentStore createStore(Path directory) {
        return JdbcConsentStore.builder(PostgresSupport.dataSource()).withTableName(PostgresSupport.freshTable())
                .withDurability(JdbcConsentStore.Durability.GROUP_COMMIT).build();
    }
}
