-- MedLink schema, SQLite (follows sql/mysql/001_initial.sql, the reference).
-- Declared types DATE, TIME, DATETIME and DECIMAL are read back as Python types by medlink.db.

CREATE TABLE IF NOT EXISTS admins (
    admin_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    username        VARCHAR(64)  NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    created_at      DATETIME     NOT NULL,
    failed_logins   INTEGER      NOT NULL DEFAULT 0,
    locked_until    DATETIME     NULL,
    is_active       INTEGER      NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_admin_username ON admins (username);

CREATE TABLE IF NOT EXISTS patient_info (
    patient_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    email           VARCHAR(254) NOT NULL COLLATE NOCASE,
    name            VARCHAR(100) NOT NULL,
    phone           VARCHAR(20)  NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    date_of_birth   DATE         NOT NULL,
    gender          VARCHAR(20)  NOT NULL,
    address         VARCHAR(500) NOT NULL DEFAULT '',
    medical_history TEXT         NULL,
    created_at      DATETIME     NOT NULL,
    failed_logins   INTEGER      NOT NULL DEFAULT 0,
    locked_until    DATETIME     NULL,
    is_active       INTEGER      NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_patient_email ON patient_info (email);
CREATE INDEX IF NOT EXISTS ix_patient_name ON patient_info (name);

CREATE TABLE IF NOT EXISTS doctor_info (
    doctor_id           INTEGER PRIMARY KEY AUTOINCREMENT,
    email               VARCHAR(254)  NOT NULL COLLATE NOCASE,
    name                VARCHAR(100)  NOT NULL COLLATE NOCASE,
    phone               VARCHAR(20)   NOT NULL,
    password_hash       VARCHAR(255)  NOT NULL,
    qualifications      TEXT          NOT NULL,
    specialty           VARCHAR(100)  NOT NULL COLLATE NOCASE,
    hospital            VARCHAR(200)  NOT NULL,
    hospital_address    VARCHAR(500)  NOT NULL DEFAULT '',
    city                VARCHAR(100)  NOT NULL COLLATE NOCASE,
    experience_years    INTEGER       NOT NULL DEFAULT 0,
    registration_number VARCHAR(50)   NOT NULL COLLATE NOCASE,
    bio                 TEXT          NULL,
    contact_public      INTEGER       NOT NULL DEFAULT 0,
    consultation_fee    DECIMAL(10,2) NULL,
    lab_test_fee        DECIMAL(10,2) NULL,
    medication_fee      DECIMAL(10,2) NULL,
    other_fees          DECIMAL(10,2) NULL,
    slot_minutes        INTEGER       NOT NULL DEFAULT 15,
    verification_status VARCHAR(10)   NOT NULL DEFAULT 'pending',
    verified_by         INTEGER       NULL REFERENCES admins (admin_id),
    verified_at         DATETIME      NULL,
    rejection_reason    VARCHAR(500)  NULL,
    created_at          DATETIME      NOT NULL,
    failed_logins       INTEGER       NOT NULL DEFAULT 0,
    locked_until        DATETIME      NULL,
    is_active           INTEGER       NOT NULL DEFAULT 1,
    CONSTRAINT ck_doctor_status CHECK (verification_status IN ('pending', 'verified', 'rejected')),
    CONSTRAINT ck_doctor_fees CHECK (
        (consultation_fee IS NULL OR consultation_fee >= 0) AND (lab_test_fee IS NULL OR lab_test_fee >= 0)
        AND (medication_fee IS NULL OR medication_fee >= 0) AND (other_fees IS NULL OR other_fees >= 0)),
    CONSTRAINT ck_doctor_slot CHECK (slot_minutes BETWEEN 5 AND 240)
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_doctor_email ON doctor_info (email);
CREATE UNIQUE INDEX IF NOT EXISTS uq_doctor_registration ON doctor_info (registration_number);
CREATE INDEX IF NOT EXISTS ix_doctor_status_name ON doctor_info (verification_status, name);
CREATE INDEX IF NOT EXISTS ix_doctor_status_specialty ON doctor_info (verification_status, specialty, city);
CREATE INDEX IF NOT EXISTS ix_doctor_status_city ON doctor_info (verification_status, city);
CREATE INDEX IF NOT EXISTS ix_doctor_status_fee ON doctor_info (verification_status, consultation_fee);

CREATE TABLE IF NOT EXISTS doctor_availability (
    availability_id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id       INTEGER NOT NULL REFERENCES doctor_info (doctor_id) ON DELETE CASCADE,
    weekday         INTEGER NOT NULL,
    start_time      TIME    NOT NULL,
    end_time        TIME    NOT NULL,
    CONSTRAINT ck_availability_weekday CHECK (weekday BETWEEN 0 AND 6),
    CONSTRAINT ck_availability_range CHECK (start_time < end_time)
);
CREATE INDEX IF NOT EXISTS ix_availability_doctor ON doctor_availability (doctor_id, weekday);

CREATE TABLE IF NOT EXISTS doctor_leave (
    doctor_id  INTEGER NOT NULL REFERENCES doctor_info (doctor_id) ON DELETE CASCADE,
    leave_date DATE    NOT NULL,
    PRIMARY KEY (doctor_id, leave_date)
);

CREATE TABLE IF NOT EXISTS appointments (
    appointment_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id       INTEGER      NOT NULL REFERENCES patient_info (patient_id),
    doctor_id        INTEGER      NOT NULL REFERENCES doctor_info (doctor_id),
    appointment_date DATE         NOT NULL,
    appointment_day  VARCHAR(9)   NOT NULL,
    appointment_time TIME         NOT NULL,
    mode             VARCHAR(7)   NOT NULL,
    status           VARCHAR(20)  NOT NULL DEFAULT 'booked',
    reason           VARCHAR(500) NOT NULL DEFAULT '',
    idempotency_key  VARCHAR(64)  NULL,
    created_at       DATETIME     NOT NULL,
    updated_at       DATETIME     NOT NULL,
    CONSTRAINT ck_appointment_mode CHECK (mode IN ('online', 'offline')),
    CONSTRAINT ck_appointment_status CHECK (status IN ('booked', 'completed', 'cancelled_by_patient',
                                                       'cancelled_by_doctor', 'no_show'))
);
-- A slot holds one live appointment: a partial unique index over booked rows only.
CREATE UNIQUE INDEX IF NOT EXISTS uq_appointment_live_slot
    ON appointments (doctor_id, appointment_date, appointment_time) WHERE status = 'booked';
CREATE UNIQUE INDEX IF NOT EXISTS uq_appointment_patient_time
    ON appointments (patient_id, appointment_date, appointment_time) WHERE status = 'booked';
CREATE UNIQUE INDEX IF NOT EXISTS uq_appointment_idempotency ON appointments (idempotency_key);
CREATE INDEX IF NOT EXISTS ix_appointment_doctor_date
    ON appointments (doctor_id, appointment_date, appointment_time);
CREATE INDEX IF NOT EXISTS ix_appointment_patient ON appointments (patient_id, appointment_date, appointment_time);

CREATE TABLE IF NOT EXISTS bills (
    bill_id            INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_number     VARCHAR(32)   NOT NULL,
    financial_year     VARCHAR(7)    NOT NULL,
    receipt_sequence   INTEGER       NOT NULL,
    appointment_id     INTEGER       NOT NULL REFERENCES appointments (appointment_id),
    patient_id         INTEGER       NOT NULL REFERENCES patient_info (patient_id),
    doctor_id          INTEGER       NOT NULL REFERENCES doctor_info (doctor_id),
    consultation_fee   DECIMAL(10,2) NOT NULL,
    lab_test_fee       DECIMAL(10,2) NOT NULL,
    medication_fee     DECIMAL(10,2) NOT NULL,
    other_fees         DECIMAL(10,2) NOT NULL,
    extra_charges      DECIMAL(10,2) NOT NULL,
    subtotal           DECIMAL(10,2) NOT NULL,
    gst_rate           DECIMAL(5,2)  NOT NULL,
    gst_amount         DECIMAL(10,2) NOT NULL,
    total_amount       DECIMAL(10,2) NOT NULL,
    additional_details VARCHAR(1000) NOT NULL DEFAULT '',
    created_at         DATETIME      NOT NULL,
    CONSTRAINT ck_bill_amounts CHECK (consultation_fee >= 0 AND lab_test_fee >= 0 AND medication_fee >= 0
        AND other_fees >= 0 AND extra_charges >= 0 AND gst_rate >= 0 AND total_amount >= 0)
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_bill_receipt_number ON bills (receipt_number);
CREATE UNIQUE INDEX IF NOT EXISTS uq_bill_year_sequence ON bills (financial_year, receipt_sequence);
CREATE UNIQUE INDEX IF NOT EXISTS uq_bill_appointment ON bills (appointment_id);
CREATE INDEX IF NOT EXISTS ix_bill_patient ON bills (patient_id, created_at);
CREATE INDEX IF NOT EXISTS ix_bill_doctor ON bills (doctor_id, created_at);

CREATE TABLE IF NOT EXISTS receipt_counters (
    financial_year VARCHAR(7) NOT NULL PRIMARY KEY,
    last_sequence  INTEGER    NOT NULL
);

CREATE TABLE IF NOT EXISTS medical_records (
    record_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id        INTEGER      NOT NULL REFERENCES patient_info (patient_id),
    uploaded_by       INTEGER      NOT NULL,
    uploader_role     VARCHAR(10)  NOT NULL,
    kind              VARCHAR(10)  NOT NULL DEFAULT 'document',
    bill_id           INTEGER      NULL REFERENCES bills (bill_id),
    original_filename VARCHAR(255) NOT NULL,
    content_type      VARCHAR(50)  NOT NULL,
    size_bytes        INTEGER      NOT NULL,
    sha256            CHAR(64)     NOT NULL,
    content           BLOB         NOT NULL,
    upload_date       DATETIME     NOT NULL,
    CONSTRAINT ck_record_kind CHECK (kind IN ('document', 'receipt')),
    CONSTRAINT ck_record_uploader CHECK (uploader_role IN ('patient', 'doctor'))
);
CREATE INDEX IF NOT EXISTS ix_record_patient ON medical_records (patient_id, upload_date);

CREATE TABLE IF NOT EXISTS record_shares (
    record_id INTEGER  NOT NULL REFERENCES medical_records (record_id) ON DELETE CASCADE,
    doctor_id INTEGER  NOT NULL REFERENCES doctor_info (doctor_id),
    shared_at DATETIME NOT NULL,
    PRIMARY KEY (record_id, doctor_id)
);
CREATE INDEX IF NOT EXISTS ix_share_doctor ON record_shares (doctor_id);

CREATE TABLE IF NOT EXISTS video_calls (
    call_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id INTEGER      NOT NULL REFERENCES appointments (appointment_id),
    patient_id     INTEGER      NOT NULL REFERENCES patient_info (patient_id),
    doctor_id      INTEGER      NOT NULL REFERENCES doctor_info (doctor_id),
    provider       VARCHAR(20)  NOT NULL,
    meeting_link   VARCHAR(500) NOT NULL,
    meeting_code   VARCHAR(100) NOT NULL DEFAULT '',
    call_date      DATE         NOT NULL,
    created_at     DATETIME     NOT NULL,
    updated_at     DATETIME     NOT NULL,
    CONSTRAINT ck_video_provider CHECK (provider IN ('google-meet', 'jitsi', 'manual'))
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_video_appointment ON video_calls (appointment_id);
CREATE INDEX IF NOT EXISTS ix_video_patient ON video_calls (patient_id);
CREATE INDEX IF NOT EXISTS ix_video_doctor ON video_calls (doctor_id);

CREATE TABLE IF NOT EXISTS audit_log (
    audit_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  DATETIME     NOT NULL,
    actor_role   VARCHAR(10)  NOT NULL,
    actor_id     INTEGER      NULL,
    action       VARCHAR(50)  NOT NULL,
    subject_role VARCHAR(10)  NULL,
    subject_id   INTEGER      NULL,
    object_type  VARCHAR(30)  NULL,
    object_id    VARCHAR(64)  NULL,
    outcome      VARCHAR(20)  NOT NULL,
    detail       VARCHAR(255) NOT NULL DEFAULT '',
    prev_hash    CHAR(64)     NOT NULL,
    row_hash     CHAR(64)     NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_subject ON audit_log (subject_role, subject_id, occurred_at);
CREATE INDEX IF NOT EXISTS ix_audit_actor ON audit_log (actor_role, actor_id, occurred_at);

CREATE TABLE IF NOT EXISTS audit_head (
    head_id   INTEGER  NOT NULL PRIMARY KEY,
    last_id   INTEGER  NOT NULL,
    last_hash CHAR(64) NOT NULL
);

CREATE TABLE IF NOT EXISTS email_outbox (
    message_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key      VARCHAR(190) NOT NULL,
    kind            VARCHAR(30)  NOT NULL,
    recipient       VARCHAR(254) NOT NULL,
    subject         VARCHAR(255) NOT NULL,
    body_text       TEXT         NOT NULL,
    body_html       TEXT         NULL,
    ics             TEXT         NULL,
    appointment_id  INTEGER      NULL,
    status          VARCHAR(10)  NOT NULL DEFAULT 'pending',
    attempts        INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at DATETIME     NOT NULL,
    last_error      VARCHAR(500) NULL,
    created_at      DATETIME     NOT NULL,
    sent_at         DATETIME     NULL,
    CONSTRAINT ck_outbox_status CHECK (status IN ('pending', 'sending', 'sent', 'failed'))
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_outbox_dedupe ON email_outbox (dedupe_key);
CREATE INDEX IF NOT EXISTS ix_outbox_due ON email_outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS ix_outbox_appointment ON email_outbox (appointment_id);
