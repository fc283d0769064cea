extension PostgresInboxStore {
    /// The schema, version by version (`PostgresDatabase.migrate`). The same tables as
    /// `SQLiteInboxStore`'s, in PostgreSQL's words, under `herald_inbox_` names so an inbox
    /// and an outbox can share one database.
    static let migrations: [String] = [
        """
        CREATE TABLE herald_inbox_agent (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL,
            body TEXT NOT NULL
        );
        -- An agent signs in with their email, whatever its case.
        CREATE UNIQUE INDEX herald_inbox_agent_email ON herald_inbox_agent (lower(email));
        CREATE TABLE herald_inbox_campaign (
            id TEXT PRIMARY KEY,
            body TEXT NOT NULL
        );
        CREATE TABLE herald_inbox_member (
            campaign_id TEXT NOT NULL REFERENCES herald_inbox_campaign (id) ON DELETE CASCADE,
            agent_id TEXT NOT NULL REFERENCES herald_inbox_agent (id),
            PRIMARY KEY (campaign_id, agent_id)
        );
        CREATE INDEX herald_inbox_member_agent ON herald_inbox_member (agent_id);
        CREATE TABLE herald_inbox_customer (
            id TEXT PRIMARY KEY,
            body TEXT NOT NULL
        );
        CREATE TABLE herald_inbox_customer_contact (
            contact TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES herald_inbox_customer (id) ON DELETE CASCADE
        );
        CREATE INDEX herald_inbox_customer_contact_customer ON herald_inbox_customer_contact (customer_id);
        CREATE TABLE herald_inbox_interaction (
            id TEXT PRIMARY KEY,
            campaign_id TEXT NOT NULL REFERENCES herald_inbox_campaign (id),
            channel TEXT NOT NULL,
            customer_id TEXT NOT NULL REFERENCES herald_inbox_customer (id),
            state TEXT NOT NULL,
            assignee_id TEXT REFERENCES herald_inbox_agent (id),
            version INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            first_to TEXT NOT NULL,
            subject TEXT,
            body TEXT NOT NULL,
            -- The rules' own invariant, kept by the database too.
            CHECK ((state = 'pending') = (assignee_id IS NULL))
        );
        CREATE INDEX herald_inbox_interaction_active ON herald_inbox_interaction (assignee_id, state, updated_at);
        CREATE INDEX herald_inbox_interaction_pending ON herald_inbox_interaction (campaign_id, state, created_at);
        CREATE INDEX herald_inbox_interaction_customer ON herald_inbox_interaction (customer_id, updated_at);
        CREATE TABLE herald_inbox_message (
            interaction_id TEXT NOT NULL REFERENCES herald_inbox_interaction (id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            position INTEGER NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (interaction_id, id),
            UNIQUE (interaction_id, position)
        );
        -- The audit trail, numbered from herald_inbox_event_counter (see `apply`): a sequence
        -- number is given under the counter row's lock, so numbers follow the commit order and
        -- "the events after N" never skips one committed late.
        CREATE TABLE herald_inbox_event (
            sequence BIGINT PRIMARY KEY,
            interaction_id TEXT NOT NULL REFERENCES herald_inbox_interaction (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            actor_id TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX herald_inbox_event_interaction ON herald_inbox_event (interaction_id, sequence);
        CREATE TABLE herald_inbox_event_counter (last BIGINT NOT NULL);
        INSERT INTO herald_inbox_event_counter (last) VALUES (0);
        CREATE TABLE herald_inbox_api_token (
            id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES herald_inbox_agent (id),
            created_at DOUBLE PRECISION NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX herald_inbox_api_token_agent ON herald_inbox_api_token (agent_id, created_at);
        CREATE TABLE herald_inbox_credential (
            agent_id TEXT PRIMARY KEY REFERENCES herald_inbox_agent (id),
            password_hash TEXT NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE herald_inbox_session (
            id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES herald_inbox_agent (id),
            expires_at DOUBLE PRECISION NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX herald_inbox_session_agent ON herald_inbox_session (agent_id);
        CREATE INDEX herald_inbox_session_expiry ON herald_inbox_session (expires_at);
        CREATE TABLE herald_inbox_inbound (
            channel TEXT NOT NULL,
            external_id TEXT NOT NULL,
            interaction_id TEXT NOT NULL REFERENCES herald_inbox_interaction (id) ON DELETE CASCADE,
            message_id TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            received_by TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (channel, external_id)
        );
        CREATE INDEX herald_inbox_inbound_customer ON herald_inbox_inbound (customer_id, channel, received_by, at);
        CREATE TABLE herald_inbox_receipt (
            channel TEXT NOT NULL,
            external_id TEXT NOT NULL,
            recipient TEXT NOT NULL,
            status TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (channel, external_id, recipient)
        );
        CREATE TABLE herald_inbox_import_cursor (
            source TEXT PRIMARY KEY,
            validity BIGINT NOT NULL,
            position BIGINT NOT NULL
        );
        """,
    ]

    /// An arbitrary constant: the advisory lock every Herald inbox migration takes (the
    /// outbox's is another: either may migrate while the other runs).
    static let migrationLock: Int64 = 0x4865_7261_6C64_4942
}
