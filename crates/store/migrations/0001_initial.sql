-- Schema version 1: the counter's dossiers, the event log (also the sync outbox and the audit
-- trail), satisfaction taps, settings, clerks and reference data from the server.
-- Instants are kept twice: RFC 3339 text with the offset the clerk saw (what is printed and
-- shown), and integer Unix milliseconds (`*_ms`) for range queries and indexes.

-- Device identity and other single values: device_id, epoch, db_instance.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Every sync epoch this database has used (sync.md §3: a new one on creation and on restore).
CREATE TABLE epoch_history (
    epoch      INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason IN ('created', 'restored', 'restore_detected'))
) STRICT;

-- The commune's settings, one row.
CREATE TABLE commune_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    commune_code  TEXT NOT NULL,
    commune_name  TEXT NOT NULL,
    counter_name  TEXT NOT NULL,
    code_prefix   TEXT NOT NULL,
    working_hours TEXT NOT NULL -- JSON
) STRICT;

CREATE TABLE clerk (
    id        TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

-- The folded state of each dossier, what the screens read. Written only together with the
-- event that explains the change.
CREATE TABLE dossier (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    official_code     TEXT UNIQUE,
    procedure_code    TEXT NOT NULL,
    procedure_name    TEXT NOT NULL,
    citizen_name      TEXT NOT NULL,
    citizen_id_number TEXT,
    citizen_phone     TEXT,
    citizen_address   TEXT,
    channel           TEXT NOT NULL,
    documents         TEXT NOT NULL, -- JSON array of ReceivedDocument
    received_at       TEXT NOT NULL,
    received_ms       INTEGER NOT NULL,
    due_at            TEXT,
    due_ms            INTEGER,
    status            TEXT NOT NULL,
    extended          INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
    supplement_count  INTEGER NOT NULL DEFAULT 0,
    clerk_id          TEXT NOT NULL,
    returned_at       TEXT,
    returned_ms       INTEGER,
    timeliness        TEXT,
    updated_ms        INTEGER NOT NULL
) STRICT;

CREATE INDEX dossier_tracking_book ON dossier (received_ms, code);
CREATE INDEX dossier_status ON dossier (status, due_ms);
-- Only dossiers whose legal clock runs can be due or overdue: a small partial index.
CREATE INDEX dossier_running_due ON dossier (due_ms) WHERE status IN ('received', 'in_progress');
CREATE INDEX dossier_procedure ON dossier (procedure_code, received_ms);
CREATE INDEX dossier_clerk ON dossier (clerk_id, received_ms);
CREATE INDEX dossier_returned ON dossier (returned_ms) WHERE returned_ms IS NOT NULL;
CREATE INDEX dossier_id_number ON dossier (citizen_id_number) WHERE citizen_id_number IS NOT NULL;
CREATE INDEX dossier_phone ON dossier (citizen_phone) WHERE citizen_phone IS NOT NULL;

-- Folded citizen names for search as the clerk types; rowid = dossier.id. Contentless: the
-- folded text is only in the index, not stored a second time.
CREATE VIRTUAL TABLE dossier_name_search USING fts5 (
    name_folded,
    content = '',
    contentless_delete = 1,
    prefix = '1 2 3',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- The event log: immutable, the audit trail and the sync outbox (sync.md §3). The server key is
-- (device_id, epoch, seq); event_id (UUIDv7) is a second dedup key.
CREATE TABLE event (
    position     INTEGER PRIMARY KEY,
    event_id     TEXT NOT NULL UNIQUE,
    device_id    TEXT NOT NULL,
    epoch        INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    dossier_code TEXT REFERENCES dossier (code),
    payload      TEXT NOT NULL, -- compact JSON
    device_time  TEXT NOT NULL,
    hlc          INTEGER NOT NULL, -- physical_ms << 16 | counter
    UNIQUE (epoch, seq)
) STRICT;

CREATE INDEX event_by_dossier ON event (dossier_code, position) WHERE dossier_code IS NOT NULL;

CREATE TRIGGER event_is_immutable BEFORE UPDATE ON event
BEGIN
    SELECT RAISE(ABORT, 'events are immutable: write a correction event');
END;

CREATE TRIGGER event_is_never_deleted BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'events are never deleted');
END;

-- What the server acknowledged, per epoch: the contiguous high-water mark (sync.md §3).
CREATE TABLE outbox_ack (
    epoch INTEGER PRIMARY KEY,
    hwm   INTEGER NOT NULL
) STRICT;

-- Citizen satisfaction taps at the counter device (NĐ 118 art. 31, criteria art. 33).
CREATE TABLE satisfaction_tap (
    id           INTEGER PRIMARY KEY,
    level        INTEGER NOT NULL,
    scale        INTEGER NOT NULL CHECK (level BETWEEN 1 AND scale),
    criteria     TEXT NOT NULL, -- JSON array of criterion codes
    dossier_code TEXT REFERENCES dossier (code),
    clerk_id     TEXT,
    tapped_at    TEXT NOT NULL,
    tapped_ms    INTEGER NOT NULL
) STRICT;

CREATE INDEX satisfaction_tap_time ON satisfaction_tap (tapped_ms);

-- Reference data from the server, per channel (catalogue, calendar, letter texts).
CREATE TABLE reference_item (
    channel TEXT NOT NULL,
    key     TEXT NOT NULL,
    body    TEXT NOT NULL, -- JSON as the server sent it
    PRIMARY KEY (channel, key)
) STRICT, WITHOUT ROWID;

-- The downstream cursor per channel, applied in the same transaction as its page.
CREATE TABLE reference_cursor (
    channel      TEXT PRIMARY KEY,
    server_epoch TEXT NOT NULL,
    cursor       TEXT NOT NULL,
    version      TEXT NOT NULL,
    applied_at   TEXT NOT NULL
) STRICT;
