-- user_version 2
-- index dossier_clerk
CREATE INDEX dossier_clerk ON dossier (clerk_id, received_ms);
-- index dossier_id_number
CREATE INDEX dossier_id_number ON dossier (citizen_id_number) WHERE citizen_id_number IS NOT NULL;
-- index dossier_phone
CREATE INDEX dossier_phone ON dossier (citizen_phone) WHERE citizen_phone IS NOT NULL;
-- index dossier_procedure
CREATE INDEX dossier_procedure ON dossier (procedure_code, received_ms);
-- index dossier_returned
CREATE INDEX dossier_returned ON dossier (returned_ms) WHERE returned_ms IS NOT NULL;
-- index dossier_running_due
CREATE INDEX dossier_running_due ON dossier (due_ms) WHERE status IN ('received', 'in_progress');
-- index dossier_status
CREATE INDEX dossier_status ON dossier (status, due_ms);
-- index dossier_tracking_book
CREATE INDEX dossier_tracking_book ON dossier (received_ms, code);
-- index event_by_dossier
CREATE INDEX event_by_dossier ON event (dossier_code, position) WHERE dossier_code IS NOT NULL;
-- index satisfaction_tap_time
CREATE INDEX satisfaction_tap_time ON satisfaction_tap (tapped_ms);
-- table clerk
CREATE TABLE clerk (
    id        TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
-- table commune_settings
CREATE TABLE commune_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    commune_code  TEXT NOT NULL,
    commune_name  TEXT NOT NULL,
    counter_name  TEXT NOT NULL,
    code_prefix   TEXT NOT NULL,
    working_hours TEXT NOT NULL -- JSON
) STRICT;
-- table dossier
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
-- table dossier_name_search
CREATE VIRTUAL TABLE dossier_name_search USING fts5 (
    name_folded,
    content = '',
    contentless_delete = 1,
    prefix = '1 2 3',
    tokenize = 'unicode61 remove_diacritics 0'
);
-- table dossier_name_search_config
CREATE TABLE 'dossier_name_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;
-- table dossier_name_search_data
CREATE TABLE 'dossier_name_search_data'(id INTEGER PRIMARY KEY, block BLOB);
-- table dossier_name_search_docsize
CREATE TABLE 'dossier_name_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB, origin INTEGER);
-- table dossier_name_search_idx
CREATE TABLE 'dossier_name_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
-- table epoch_history
CREATE TABLE epoch_history (
    epoch      INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason IN ('created', 'restored', 'restore_detected'))
) STRICT;
-- table event
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
-- table meta
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
-- table outbox_ack
CREATE TABLE outbox_ack (
    epoch INTEGER PRIMARY KEY,
    hwm   INTEGER NOT NULL
) STRICT;
-- table reference_cursor
CREATE TABLE reference_cursor (
    channel      TEXT PRIMARY KEY,
    server_epoch TEXT NOT NULL,
    cursor       TEXT NOT NULL,
    version      TEXT NOT NULL,
    applied_at   TEXT NOT NULL
) STRICT;
-- table reference_item
CREATE TABLE reference_item (
    channel TEXT NOT NULL,
    key     TEXT NOT NULL,
    body    TEXT NOT NULL, -- JSON as the server sent it
    PRIMARY KEY (channel, key)
) STRICT, WITHOUT ROWID;
-- table satisfaction_tap
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
-- trigger event_is_immutable
CREATE TRIGGER event_is_immutable BEFORE UPDATE ON event
BEGIN
    SELECT RAISE(ABORT, 'events are immutable: write a correction event');
END;
-- trigger event_is_never_deleted
CREATE TRIGGER event_is_never_deleted BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'events are never deleted');
END;
