"""Every change to the schema since :mod:`.schema`, in order: append new migrations at the end,
never edit one that has shipped."""

from __future__ import annotations

MIGRATIONS: list[str] = [
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
    # The audit log becomes a hash chain (studio.auditchain): each entry's prev_hash and hash,
    # existing entries chained in order; a closed event keeps the chain's head at its close.
    """
    ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit_log ADD COLUMN hash TEXT;
    ALTER TABLE events ADD COLUMN audit_head_entry INTEGER;
    ALTER TABLE events ADD COLUMN audit_head_hash TEXT;
    DROP TRIGGER audit_log_append_only_update;
    CREATE TEMP TABLE audit_chain (id INTEGER PRIMARY KEY, prev TEXT NOT NULL, hash TEXT NOT NULL);
    INSERT INTO temp.audit_chain (id, prev, hash)
        WITH RECURSIVE chain(id, prev, hash) AS (
            SELECT a.id, '""" + "0" * 64 + """', audit_digest(a.id, '""" + "0" * 64 + """', a.event_id,
                   a.question_id, a.case_id, a.actor, a.role, a.action, a.from_status, a.to_status,
                   a.before_text, a.after_text, a.detail, a.at)
            FROM audit_log a WHERE a.id = 1
            UNION ALL
            SELECT a.id, chain.hash, audit_digest(a.id, chain.hash, a.event_id,
                   a.question_id, a.case_id, a.actor, a.role, a.action, a.from_status, a.to_status,
                   a.before_text, a.after_text, a.detail, a.at)
            FROM chain JOIN audit_log a ON a.id = chain.id + 1
        )
        SELECT id, prev, hash FROM chain;
    UPDATE audit_log SET
        prev_hash = (SELECT prev FROM temp.audit_chain c WHERE c.id = audit_log.id),
        hash = (SELECT hash FROM temp.audit_chain c WHERE c.id = audit_log.id);
    DROP TABLE temp.audit_chain;
    CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    """,
    # A netizen may retract their own pending board message with its tracking code: the status
    # check gains 'retracted' (SQLite rebuilds the table to change a CHECK).
    """
    CREATE TABLE board_submissions_new (
        id INTEGER PRIMARY KEY,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'approved', 'rejected', 'retracted')),
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
    INSERT INTO board_submissions_new SELECT * FROM board_submissions;
    DROP TABLE board_submissions;
    ALTER TABLE board_submissions_new RENAME TO board_submissions;
    CREATE INDEX board_submissions_status ON board_submissions(status, id);
    """,
    # The big screen: what the desk chose it shows (JSON: {"show": "on_air" | "message" | "question", "id"}).
    """
    ALTER TABLE events ADD COLUMN screen TEXT;
    """,
    # Guest photos: the one re-encoded JPEG kept per staff member, named by a hash of its bytes.
    """
    CREATE TABLE staff_photos (
        staff_id INTEGER PRIMARY KEY REFERENCES staff(id),
        token TEXT NOT NULL UNIQUE,
        image BLOB NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    # The studio on the event page: a live-video address and the agenda (one item a line).
    """
    ALTER TABLE events ADD COLUMN video_url TEXT NOT NULL DEFAULT '';
    ALTER TABLE events ADD COLUMN agenda TEXT NOT NULL DEFAULT '';
    """,
    # Topics collected before the event (选题征集): the questions asked while it was scheduled.
    """
    ALTER TABLE questions ADD COLUMN collected INTEGER NOT NULL DEFAULT 0;
    """,
    # Units on duty (轮值): which units take turns talking with netizens on which days.
    """
    CREATE TABLE duty_days (
        day TEXT NOT NULL,
        unit_id INTEGER NOT NULL REFERENCES units(id),
        PRIMARY KEY (day, unit_id)
    );
    """,
    # Routing suggestions: the categories an admin says a unit handles (besides its history).
    """
    CREATE TABLE unit_categories (
        unit_id INTEGER NOT NULL REFERENCES units(id),
        category_id INTEGER NOT NULL REFERENCES categories(id),
        PRIMARY KEY (unit_id, category_id)
    );
    """,
    # Supervision (督办): the supervisor role (督查考评), the urging notices sent to a unit on a case
    # (after_reply: the case's latest reply id then, so a later reply is one after the urging)
    # and the follow-up calls and meetings with their outcomes. The role check gains 'supervisor'
    # (SQLite rebuilds the table to change a CHECK; migrations run with foreign keys off and are
    # checked with foreign_key_check before they commit).
    """
    CREATE TABLE staff_new (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'official', 'supervisor')),
        unit_id INTEGER REFERENCES units(id),
        display_name TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    );
    INSERT INTO staff_new SELECT * FROM staff;
    DROP TABLE staff;
    ALTER TABLE staff_new RENAME TO staff;
    CREATE TABLE case_urgings (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        unit_id INTEGER NOT NULL REFERENCES units(id),
        text TEXT NOT NULL,
        after_reply INTEGER NOT NULL DEFAULT 0,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX case_urgings_case ON case_urgings(case_id, at);
    CREATE INDEX case_urgings_at ON case_urgings(at);
    CREATE TABLE case_followups (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        unit_id INTEGER REFERENCES units(id),
        kind TEXT NOT NULL CHECK (kind IN ('call', 'meeting')),
        outcome TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX case_followups_case ON case_followups(case_id, at);
    CREATE INDEX case_followups_at ON case_followups(at);
    """,
    # Notifications: askers' verified contacts (personal data, purged), the outbox the deliverer
    # sends from (written in the action's own transaction), and a unit's e-mail for its digest.
    """
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        tracking_code TEXT NOT NULL UNIQUE,
        track_path TEXT NOT NULL,
        question_id INTEGER REFERENCES questions(id),
        submission_id INTEGER REFERENCES board_submissions(id),
        channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
        address TEXT NOT NULL,
        client TEXT NOT NULL DEFAULT '',
        code_hash TEXT NOT NULL DEFAULT '',
        code_expires_at TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 0,
        verified_at TEXT,
        created_at TEXT NOT NULL,
        purged_at TEXT
    );
    CREATE INDEX contacts_question ON contacts(question_id);
    CREATE INDEX contacts_submission ON contacts(submission_id);
    CREATE INDEX contacts_address ON contacts(address, created_at);
    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
        recipient TEXT NOT NULL,
        contact_id INTEGER REFERENCES contacts(id),
        unit_id INTEGER REFERENCES units(id),
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        link_path TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at TEXT NOT NULL,
        lease_until TEXT NOT NULL DEFAULT '',
        last_error TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX notifications_due ON notifications(status, next_at);
    ALTER TABLE units ADD COLUMN email TEXT NOT NULL DEFAULT '';
    """,
    # Photos on messages: each kept JPEG lives in the media folder under its token; the row says
    # whose it is (a question, a board submission, a case) and where it stands. A question keeps
    # the list of its photos (JSON) so that its frames carry them.
    """
    CREATE TABLE message_photos (
        id INTEGER PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('upload', 'pending', 'visible', 'hidden')),
        question_id INTEGER REFERENCES questions(id),
        submission_id INTEGER REFERENCES board_submissions(id),
        case_id INTEGER REFERENCES cases(id),
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        uploaded_at TEXT NOT NULL,
        attached_at TEXT,
        reason TEXT,
        handled_by TEXT,
        handled_at TEXT
    );
    CREATE INDEX message_photos_question ON message_photos(question_id);
    CREATE INDEX message_photos_submission ON message_photos(submission_id);
    CREATE INDEX message_photos_case ON message_photos(case_id);
    CREATE INDEX message_photos_state ON message_photos(state, uploaded_at);
    ALTER TABLE questions ADD COLUMN photos TEXT NOT NULL DEFAULT '[]';
    """,
    # 同问 on board cases: one row per (case, supporter), the count kept on the case (the board's
    # lists sort and filter on it: cases_listed; cases_narrow holds every column a search filters
    # on, so a search through SQL reads it instead of the wide rows, studio/store/search.py); a
    # submission merged into a case (merged_at, case_id) and the viewer who sent it. Supporters of
    # event cases start with the +1s their question had.
    """
    CREATE TABLE case_supports (
        case_id INTEGER NOT NULL REFERENCES cases(id),
        supporter TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (case_id, supporter)
    );
    ALTER TABLE cases ADD COLUMN supports INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX cases_listed ON cases(withdrawn_at, supports, created_at);
    CREATE INDEX cases_narrow ON cases(id, withdrawn_at, supports, created_at, status, due_at, unit_id,
                                       category_id, event_id);
    ALTER TABLE board_submissions ADD COLUMN merged_at TEXT;
    ALTER TABLE board_submissions ADD COLUMN viewer_key TEXT NOT NULL DEFAULT '';
    INSERT OR IGNORE INTO case_supports (case_id, supporter, at)
        SELECT c.id, v.voter, v.at FROM cases c JOIN votes v ON v.question_id = c.question_id
        WHERE c.kind = 'case';
    UPDATE cases SET supports = (SELECT COUNT(*) FROM case_supports s WHERE s.case_id = cases.id)
        WHERE id IN (SELECT case_id FROM case_supports);
    """,
    # Collection (选题征集) per event: a scheduled event takes questions only while its collection
    # is open; every existing event keeps collecting as before.
    """
    ALTER TABLE events ADD COLUMN collecting INTEGER NOT NULL DEFAULT 1;
    """,
]
