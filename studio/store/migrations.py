"""Schema migrations, applied in order; ``PRAGMA user_version`` records the last one.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

# The board's search document of case ``c`` (docs/search.md): its question and
# every reply, and filter tags (unit, status, event, category and two
# ancestors) so that FTS5 intersects the filters with the words. Its index
# rowid is the sort key: the creation day (days since 1900, from the stored
# local date) * 2**27 + case id, so the index itself is in date order and a
# date range is a rowid range.
SEARCH_BODY = """c.text || COALESCE(char(10) || (
                SELECT group_concat(r.text, char(10)) FROM case_replies r WHERE r.case_id = c.id), '')"""
SEARCH_KEY = """(COALESCE(CAST(julianday(substr(c.created_at, 1, 10)) AS INTEGER), 2415020) - 2415020)
                * 134217728 + c.id"""
SEARCH_TAGS = """'u' || COALESCE(c.unit_id, 0) || ' s' || c.status || ' e' || COALESCE(c.event_id, 0)
                || COALESCE(' k' || c.category_id, '')
                || COALESCE(' k' || (SELECT k1.parent_id FROM categories k1
                                     WHERE k1.id = c.category_id), '')
                || COALESCE(' k' || (SELECT k2.parent_id FROM categories k1
                                     JOIN categories k2 ON k2.id = k1.parent_id
                                     WHERE k1.id = c.category_id), '')"""
SEARCH_REFRESH = (
    """
        INSERT INTO case_fts (case_fts, rowid, title, body, tags)
            SELECT 'delete', sort_key, search_tokens(title), search_tokens(body), tags
            FROM case_search_docs WHERE case_id = {case};
        INSERT OR REPLACE INTO case_search_docs (case_id, sort_key, title, body, tags)
            SELECT c.id, """
    + SEARCH_KEY
    + ", c.title, "
    + SEARCH_BODY.replace("{", "{{").replace("}", "}}")
    + ",\n                "
    + SEARCH_TAGS
    + """
            FROM cases c WHERE c.id = {case};
        INSERT INTO case_fts (rowid, title, body, tags)
            SELECT sort_key, search_tokens(title), search_tokens(body), tags
            FROM case_search_docs WHERE case_id = {case};"""
)


MIGRATIONS: list[str] = [
    # 1: the live studio, the audit log, the change log and the board.
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE units (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        parent_id INTEGER REFERENCES units(id),
        created_at TEXT NOT NULL
    );
    CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'official')),
        unit_id INTEGER REFERENCES units(id),
        display_name TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'scheduled'
            CHECK (status IN ('scheduled', 'live', 'closed')),
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        opened_at TEXT,
        closed_at TEXT,
        seq INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE event_staff (
        event_id INTEGER NOT NULL REFERENCES events(id),
        staff_id INTEGER NOT NULL REFERENCES staff(id),
        role TEXT NOT NULL CHECK (role IN ('guest', 'moderator')),
        position INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (event_id, staff_id, role)
    );
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES events(id),
        status TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        original_text TEXT NOT NULL,
        public_text TEXT,
        unit_id INTEGER REFERENCES units(id),
        nickname TEXT NOT NULL DEFAULT '',
        client_key TEXT NOT NULL,
        tracking_code TEXT NOT NULL UNIQUE,
        rating_code TEXT NOT NULL,
        viewer_key TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        flags TEXT NOT NULL DEFAULT '[]',
        votes INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        merged_into INTEGER REFERENCES questions(id),
        hard INTEGER NOT NULL DEFAULT 0,
        answer_text TEXT,
        answered_by INTEGER REFERENCES staff(id),
        asked_at TEXT NOT NULL,
        published_at TEXT,
        on_air_at TEXT,
        answered_at TEXT,
        handled_by TEXT,
        handled_action TEXT,
        handled_at TEXT,
        case_id INTEGER,
        UNIQUE (event_id, client_key)
    );
    CREATE INDEX questions_event_status ON questions(event_id, status);
    CREATE TABLE question_timeline (
        question_id INTEGER NOT NULL REFERENCES questions(id),
        status TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX question_timeline_q ON question_timeline(question_id);
    CREATE TABLE votes (
        question_id INTEGER NOT NULL REFERENCES questions(id),
        voter TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (question_id, voter)
    );
    CREATE TABLE host_messages (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES events(id),
        staff_id INTEGER REFERENCES staff(id),
        text TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX host_messages_event ON host_messages(event_id);
    CREATE TABLE changes (
        event_id INTEGER NOT NULL REFERENCES events(id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        frame TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (event_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        event_id INTEGER REFERENCES events(id),
        question_id INTEGER REFERENCES questions(id),
        case_id INTEGER,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT,
        before_text TEXT,
        after_text TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        at TEXT NOT NULL
    );
    CREATE INDEX audit_event ON audit_log(event_id, id);
    CREATE INDEX audit_question ON audit_log(question_id, id);
    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    CREATE TABLE calendar_days (
        day TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
        name TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('post', 'case')),
        origin TEXT NOT NULL CHECK (origin IN ('event', 'direct', 'import')),
        status TEXT NOT NULL CHECK (status IN ('open', 'replied')),
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        nickname TEXT NOT NULL DEFAULT '',
        unit_id INTEGER REFERENCES units(id),
        hard INTEGER NOT NULL DEFAULT 0,
        event_id INTEGER REFERENCES events(id),
        question_id INTEGER REFERENCES questions(id) UNIQUE,
        rating_code TEXT,
        created_at TEXT NOT NULL,
        due_at TEXT,
        replied_at TEXT
    );
    CREATE INDEX cases_unit_status ON cases(unit_id, status);
    CREATE TABLE case_replies (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        unit_id INTEGER REFERENCES units(id),
        staff_id INTEGER REFERENCES staff(id),
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        live INTEGER NOT NULL DEFAULT 0,
        at TEXT NOT NULL
    );
    CREATE INDEX case_replies_case ON case_replies(case_id);
    CREATE TABLE case_timeline (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL
    );
    CREATE INDEX case_timeline_case ON case_timeline(case_id);
    """,
    # screening and the moderation desk: lexicon terms, the rejection-reason
    # catalogue, desk claims, and the reason code a rejection was given.
    """
    CREATE TABLE lexicon_terms (
        id INTEGER PRIMARY KEY,
        term TEXT NOT NULL,
        category TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('block', 'review')),
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (term, category)
    );
    CREATE TABLE reject_reasons (
        code TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        position INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO reject_reasons (code, text, position) VALUES
        ('abuse', '不文明用语', 1),
        ('off_topic', '与主题无关', 2),
        ('duplicate', '重复提问', 3),
        ('privacy', '含个人隐私', 4),
        ('ads', '广告信息', 5),
        ('unverified', '涉嫌不实', 6),
        ('other', '其他', 7);
    CREATE TABLE claims (
        question_id INTEGER PRIMARY KEY REFERENCES questions(id),
        event_id INTEGER NOT NULL REFERENCES events(id),
        username TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE INDEX claims_event ON claims(event_id);
    CREATE INDEX claims_expiry ON claims(expires_at);
    ALTER TABLE questions ADD COLUMN reason_code TEXT;
    ALTER TABLE questions ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX questions_event_viewer ON questions(event_id, viewer_key);
    CREATE INDEX questions_event_address ON questions(event_id, address);
    """,
    # The board's case life: stages, routing, acceptance, extensions, ratings, direct
    # submissions from netizens, and the 2026 holiday calendar of mainland China.
    """
    ALTER TABLE cases ADD COLUMN stage TEXT
        CHECK (stage IN ('routing', 'assigned', 'accepted', 'replied', 'reopened', 'closed'));
    ALTER TABLE cases ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE cases ADD COLUMN routed_at TEXT;
    ALTER TABLE cases ADD COLUMN accepted_at TEXT;
    ALTER TABLE cases ADD COLUMN submission_id INTEGER;
    UPDATE cases SET
        stage = CASE WHEN status = 'replied' THEN 'replied'
                     WHEN unit_id IS NULL THEN 'routing' ELSE 'assigned' END,
        routed_at = CASE WHEN unit_id IS NOT NULL THEN created_at END;
    UPDATE cases SET due_at = NULL WHERE stage = 'routing';
    CREATE INDEX cases_stage ON cases(stage, unit_id);
    CREATE INDEX cases_routed ON cases(routed_at);
    CREATE INDEX cases_open_due ON cases(status, due_at, unit_id);
    CREATE TRIGGER cases_default_stage AFTER INSERT ON cases WHEN NEW.stage IS NULL
    BEGIN
        UPDATE cases SET stage = CASE WHEN NEW.status = 'replied' THEN 'replied'
                                      WHEN NEW.unit_id IS NULL THEN 'routing' ELSE 'assigned' END
        WHERE id = NEW.id;
    END;
    ALTER TABLE case_replies ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE case_replies ADD COLUMN due_at TEXT;
    CREATE TABLE case_routes (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL CHECK (kind IN ('routed', 'out_of_scope')),
        from_unit_id INTEGER REFERENCES units(id),
        to_unit_id INTEGER REFERENCES units(id),
        reason TEXT NOT NULL DEFAULT '',
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX case_routes_case ON case_routes(case_id);
    CREATE TABLE case_extensions (
        case_id INTEGER PRIMARY KEY REFERENCES cases(id),
        days INTEGER NOT NULL,
        reason TEXT NOT NULL,
        due_before TEXT NOT NULL,
        due_after TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE case_ratings (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        round INTEGER NOT NULL,
        unit_id INTEGER REFERENCES units(id),
        rating TEXT NOT NULL CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
        comment TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        UNIQUE (case_id, round)
    );
    CREATE TABLE board_submissions (
        id INTEGER PRIMARY KEY,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        original_text TEXT NOT NULL,
        public_text TEXT,
        nickname TEXT NOT NULL DEFAULT '',
        unit_id INTEGER REFERENCES units(id),
        hard INTEGER NOT NULL DEFAULT 0,
        client_key TEXT NOT NULL UNIQUE,
        tracking_code TEXT NOT NULL UNIQUE,
        rating_code TEXT NOT NULL,
        address TEXT NOT NULL DEFAULT '',
        flags TEXT NOT NULL DEFAULT '[]',
        reason TEXT,
        case_id INTEGER REFERENCES cases(id),
        submitted_at TEXT NOT NULL,
        handled_by TEXT,
        handled_at TEXT
    );
    CREATE INDEX board_submissions_status ON board_submissions(status, id);
    INSERT OR IGNORE INTO calendar_days (day, kind, name) VALUES
        ('2026-01-01', 'holiday', '元旦'), ('2026-01-02', 'holiday', '元旦'),
        ('2026-01-03', 'holiday', '元旦'), ('2026-01-04', 'workday', '元旦调休上班'),
        ('2026-02-14', 'workday', '春节调休上班'),
        ('2026-02-15', 'holiday', '春节'), ('2026-02-16', 'holiday', '春节'),
        ('2026-02-17', 'holiday', '春节'), ('2026-02-18', 'holiday', '春节'),
        ('2026-02-19', 'holiday', '春节'), ('2026-02-20', 'holiday', '春节'),
        ('2026-02-21', 'holiday', '春节'), ('2026-02-22', 'holiday', '春节'),
        ('2026-02-23', 'holiday', '春节'), ('2026-02-28', 'workday', '春节调休上班'),
        ('2026-04-04', 'holiday', '清明节'), ('2026-04-05', 'holiday', '清明节'),
        ('2026-04-06', 'holiday', '清明节'),
        ('2026-05-01', 'holiday', '劳动节'), ('2026-05-02', 'holiday', '劳动节'),
        ('2026-05-03', 'holiday', '劳动节'), ('2026-05-04', 'holiday', '劳动节'),
        ('2026-05-05', 'holiday', '劳动节'), ('2026-05-09', 'workday', '劳动节调休上班'),
        ('2026-06-19', 'holiday', '端午节'), ('2026-06-20', 'holiday', '端午节'),
        ('2026-06-21', 'holiday', '端午节'),
        ('2026-09-20', 'workday', '国庆节调休上班'),
        ('2026-09-25', 'holiday', '中秋节'), ('2026-09-26', 'holiday', '中秋节'),
        ('2026-09-27', 'holiday', '中秋节'),
        ('2026-10-01', 'holiday', '国庆节'), ('2026-10-02', 'holiday', '国庆节'),
        ('2026-10-03', 'holiday', '国庆节'), ('2026-10-04', 'holiday', '国庆节'),
        ('2026-10-05', 'holiday', '国庆节'), ('2026-10-06', 'holiday', '国庆节'),
        ('2026-10-07', 'holiday', '国庆节'), ('2026-10-10', 'workday', '国庆节调休上班');
    """,
    # Board search and import: categories, the bigram search index and its triggers.
    """
    CREATE TABLE categories (
        id INTEGER PRIMARY KEY,
        parent_id INTEGER REFERENCES categories(id),
        name TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX categories_parent_name ON categories(COALESCE(parent_id, 0), name);
    ALTER TABLE cases ADD COLUMN category_id INTEGER REFERENCES categories(id);
    ALTER TABLE cases ADD COLUMN source_key TEXT;
    CREATE UNIQUE INDEX cases_source_key ON cases(source_key) WHERE source_key IS NOT NULL;
    CREATE INDEX cases_created ON cases(created_at);
    CREATE INDEX cases_category ON cases(category_id, created_at);
    CREATE INDEX cases_event ON cases(event_id);
    CREATE INDEX cases_replied_at ON cases(replied_at) WHERE status = 'replied';
    CREATE TABLE case_search_docs (
        case_id INTEGER PRIMARY KEY,
        sort_key INTEGER NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        tags TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE case_fts USING fts5(
        title, body, tags, content = '', tokenize = 'ascii', prefix = '1'
    );
    INSERT INTO case_fts (case_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0, 0.0)');
    CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN"""
    + SEARCH_REFRESH.format(case="new.id")
    + """
    END;
    CREATE TRIGGER cases_search_update
        AFTER UPDATE OF title, text, status, unit_id, event_id, category_id, created_at ON cases
    BEGIN"""
    + SEARCH_REFRESH.format(case="new.id")
    + """
    END;
    CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
        INSERT INTO case_fts (case_fts, rowid, title, body, tags)
            SELECT 'delete', sort_key, search_tokens(title), search_tokens(body), tags
            FROM case_search_docs WHERE case_id = old.id;
        DELETE FROM case_search_docs WHERE case_id = old.id;
    END;
    CREATE TRIGGER case_replies_search_insert AFTER INSERT ON case_replies BEGIN"""
    + SEARCH_REFRESH.format(case="new.case_id")
    + """
    END;
    CREATE TRIGGER case_replies_search_update AFTER UPDATE OF text, case_id ON case_replies BEGIN
        UPDATE cases SET text = text WHERE id IN (old.case_id, new.case_id);
    END;
    CREATE TRIGGER case_replies_search_delete AFTER DELETE ON case_replies BEGIN
        UPDATE cases SET text = text WHERE id = old.case_id;
    END;
    INSERT INTO case_search_docs (case_id, sort_key, title, body, tags)
        SELECT c.id, """ + SEARCH_KEY + ", c.title, " + SEARCH_BODY + ", " + SEARCH_TAGS + """
        FROM cases c;
    INSERT INTO case_fts (rowid, title, body, tags)
        SELECT sort_key, search_tokens(title), search_tokens(body), tags FROM case_search_docs;
    """,
    # Taking back: a question unpublished for review remembers where it was, a corrected answer
    # when; the board case it became is withdrawn from every public surface meanwhile.
    """
    ALTER TABLE questions ADD COLUMN unpublished_from TEXT;
    ALTER TABLE questions ADD COLUMN corrected_at TEXT;
    ALTER TABLE cases ADD COLUMN withdrawn_at TEXT;
    """,
    # Board search folds traditional characters to simplified (studio.store.fulltext.normalise):
    # the index is emptied and every case's document tokenised again with the new search_tokens.
    """
    INSERT INTO case_fts (case_fts) VALUES ('delete-all');
    INSERT INTO case_fts (rowid, title, body, tags)
        SELECT sort_key, search_tokens(title), search_tokens(body), tags FROM case_search_docs;
    """,
    # Routing suggestions: the categories an admin says a unit handles (besides its history).
    """
    CREATE TABLE unit_categories (
        unit_id INTEGER NOT NULL REFERENCES units(id),
        category_id INTEGER NOT NULL REFERENCES categories(id),
        PRIMARY KEY (unit_id, category_id)
    );
    """,
]
