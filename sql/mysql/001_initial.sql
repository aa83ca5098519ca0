-- MedLink schema, MySQL 8 / MariaDB 10.6+ (the reference dialect).
-- Money is DECIMAL(10,2); clinic dates and times are DATE and TIME in local clinic time;
-- created_at/updated_at and the audit trail are DATETIME in UTC, always written by the application.

CREATE TABLE IF NOT EXISTS admins (
    admin_id        INT AUTO_INCREMENT PRIMARY KEY,
    username        VARCHAR(64)  NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    created_at      DATETIME     NOT NULL,
    failed_logins   INT          NOT NULL DEFAULT 0,
    locked_until    DATETIME     NULL,
    is_active       TINYINT(1)   NOT NULL DEFAULT 1,
    UNIQUE KEY uq_admin_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS patient_info (
    patient_id      INT AUTO_INCREMENT PRIMARY KEY,
    email           VARCHAR(254) NOT NULL,
    name            VARCHAR(100) NOT NULL,
    phone           VARCHAR(20)  NOT NULL,
    password_hash   VARCHAR(255) NOT NULL,
    date_of_birth   DATE         NOT NULL,
    gender          VARCHAR(20)  NOT NULL,
    address         VARCHAR(500) NOT NULL DEFAULT '',
    medical_history TEXT         NULL,
    created_at      DATETIME     NOT NULL,
    failed_logins   INT          NOT NULL DEFAULT 0,
    locked_until    DATETIME     NULL,
    is_active       TINYINT(1)   NOT NULL DEFAULT 1,
    UNIQUE KEY uq_patient_email (email),
    KEY ix_patient_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS doctor_info (
    doctor_id           INT AUTO_INCREMENT PRIMARY KEY,
    email               VARCHAR(254)  NOT NULL,
    name                VARCHAR(100)  NOT NULL,
    phone               VARCHAR(20)   NOT NULL,
    password_hash       VARCHAR(255)  NOT NULL,
    qualifications      TEXT          NOT NULL,
    specialty           VARCHAR(100)  NOT NULL,
    hospital            VARCHAR(200)  NOT NULL,
    hospital_address    VARCHAR(500)  NOT NULL DEFAULT '',
    city                VARCHAR(100)  NOT NULL,
    experience_years    INT           NOT NULL DEFAULT 0,
    registration_number VARCHAR(50)   NOT NULL,
    bio                 TEXT          NULL,
    contact_public      TINYINT(1)    NOT NULL DEFAULT 0,
    consultation_fee    DECIMAL(10,2) NULL,
    lab_test_fee        DECIMAL(10,2) NULL,
    medication_fee      DECIMAL(10,2) NULL,
    other_fees          DECIMAL(10,2) NULL,
    slot_minutes        INT           NOT NULL DEFAULT 15,
    verification_status VARCHAR(10)   NOT NULL DEFAULT 'pending',
    verified_by         INT           NULL,
    verified_at         DATETIME      NULL,
    rejection_reason    VARCHAR(500)  NULL,
    created_at          DATETIME      NOT NULL,
    failed_logins       INT           NOT NULL DEFAULT 0,
    locked_until        DATETIME      NULL,
    is_active           TINYINT(1)    NOT NULL DEFAULT 1,
    UNIQUE KEY uq_doctor_email (email),
    UNIQUE KEY uq_doctor_registration (registration_number),
    KEY ix_doctor_status_name (verification_status, name),
    KEY ix_doctor_status_specialty (verification_status, specialty, city),
    KEY ix_doctor_status_city (verification_status, city),
    KEY ix_doctor_status_fee (verification_status, consultation_fee),
    CONSTRAINT fk_doctor_verified_by FOREIGN KEY (verified_by) REFERENCES admins (admin_id),
    CONSTRAINT ck_doctor_status CHECK (verification_status IN ('pending', 'verified', 'rejected')),
    CONSTRAINT ck_doctor_fees CHECK (
        (consultation_fee IS NULL OR consultation_fee >= 0) AND (lab_test_fee IS NULL OR lab_test_fee >= 0)
        AND (medication_fee IS NULL OR medication_fee >= 0) AND (other_fees IS NULL OR other_fees >= 0)),
    CONSTRAINT ck_doctor_slot CHECK (slot_minutes BETWEEN 5 AND 240)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS doctor_availability (
    availability_id INT AUTO_INCREMENT PRIMARY KEY,
    doctor_id       INT     NOT NULL,
    weekday         TINYINT NOT NULL,
    start_time      TIME    NOT NULL,
    end_time        TIME    NOT NULL,
    KEY ix_availability_doctor (doctor_id, weekday),
    CONSTRAINT fk_availability_doctor FOREIGN KEY (doctor_id) REFERENCES doctor_info (doctor_id)
        ON DELETE CASCADE,
    CONSTRAINT ck_availability_weekday CHECK (weekday BETWEEN 0 AND 6),
    CONSTRAINT ck_availability_range CHECK (start_time < end_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS doctor_leave (
    doctor_id  INT  NOT NULL,
    leave_date DATE NOT NULL,
    PRIMARY KEY (doctor_id, leave_date),
    CONSTRAINT fk_leave_doctor FOREIGN KEY (doctor_id) REFERENCES doctor_info (doctor_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A slot holds one live appointment: live_slot is 1 while booked and NULL otherwise, and NULLs
-- never collide in a unique key, so cancelled, completed and no-show rows free the slot.
CREATE TABLE IF NOT EXISTS appointments (
    appointment_id   INT AUTO_INCREMENT PRIMARY KEY,
    patient_id       INT          NOT NULL,
    doctor_id        INT          NOT NULL,
    appointment_date DATE         NOT NULL,
    appointment_day  VARCHAR(9)   NOT NULL,
    appointment_time TIME         NOT NULL,
    mode             VARCHAR(7)   NOT NULL,
    status           VARCHAR(20)  NOT NULL DEFAULT 'booked',
    reason           VARCHAR(500) NOT NULL DEFAULT '',
    idempotency_key  VARCHAR(64)  NULL,
    created_at       DATETIME     NOT NULL,
    updated_at       DATETIME     NOT NULL,
    live_slot        TINYINT AS (CASE WHEN status = 'booked' THEN 1 ELSE NULL END) STORED,
    UNIQUE KEY uq_appointment_live_slot (doctor_id, appointment_date, appointment_time, live_slot),
    UNIQUE KEY uq_appointment_patient_time (patient_id, appointment_date, appointment_time, live_slot),
    UNIQUE KEY uq_appointment_idempotency (idempotency_key),
    KEY ix_appointment_doctor_date (doctor_id, appointment_date, appointment_time),
    KEY ix_appointment_patient (patient_id, appointment_date, appointment_time),
    CONSTRAINT fk_appointment_patient FOREIGN KEY (patient_id) REFERENCES patient_info (patient_id),
    CONSTRAINT fk_appointment_doctor FOREIGN KEY (doctor_id) REFERENCES doctor_info (doctor_id),
    CONSTRAINT ck_appointment_mode CHECK (mode IN ('online', 'offline')),
    CONSTRAINT ck_appointment_status CHECK (status IN ('booked', 'completed', 'cancelled_by_patient',
                                                       'cancelled_by_doctor', 'no_show'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS bills (
    bill_id            INT AUTO_INCREMENT PRIMARY KEY,
    receipt_number     VARCHAR(32)   NOT NULL,
    financial_year     VARCHAR(7)    NOT NULL,
    receipt_sequence   INT           NOT NULL,
    appointment_id     INT           NOT NULL,
    patient_id         INT           NOT NULL,
    doctor_id          INT           NOT NULL,
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
    UNIQUE KEY uq_bill_receipt_number (receipt_number),
    UNIQUE KEY uq_bill_year_sequence (financial_year, receipt_sequence),
    UNIQUE KEY uq_bill_appointment (appointment_id),
    KEY ix_bill_patient (patient_id, created_at),
    KEY ix_bill_doctor (doctor_id, created_at),
    CONSTRAINT fk_bill_appointment FOREIGN KEY (appointment_id) REFERENCES appointments (appointment_id),
    CONSTRAINT fk_bill_patient FOREIGN KEY (patient_id) REFERENCES patient_info (patient_id),
    CONSTRAINT fk_bill_doctor FOREIGN KEY (doctor_id) REFERENCES doctor_info (doctor_id),
    CONSTRAINT ck_bill_amounts CHECK (consultation_fee >= 0 AND lab_test_fee >= 0 AND medication_fee >= 0
        AND other_fees >= 0 AND extra_charges >= 0 AND gst_rate >= 0 AND total_amount >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per financial year; the receipt number is taken under this row's lock, so numbers are
-- consecutive and gap-free even when two doctors bill at the same moment.
CREATE TABLE IF NOT EXISTS receipt_counters (
    financial_year VARCHAR(7) NOT NULL PRIMARY KEY,
    last_sequence  INT        NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS medical_records (
    record_id         INT AUTO_INCREMENT PRIMARY KEY,
    patient_id        INT          NOT NULL,
    uploaded_by       INT          NOT NULL,
    uploader_role     VARCHAR(10)  NOT NULL,
    kind              VARCHAR(10)  NOT NULL DEFAULT 'document',
    bill_id           INT          NULL,
    original_filename VARCHAR(255) NOT NULL,
    content_type      VARCHAR(50)  NOT NULL,
    size_bytes        INT          NOT NULL,
    sha256            CHAR(64)     NOT NULL,
    content           LONGBLOB     NOT NULL,
    upload_date       DATETIME     NOT NULL,
    KEY ix_record_patient (patient_id, upload_date),
    CONSTRAINT fk_record_patient FOREIGN KEY (patient_id) REFERENCES patient_info (patient_id),
    CONSTRAINT fk_record_bill FOREIGN KEY (bill_id) REFERENCES bills (bill_id),
    CONSTRAINT ck_record_kind CHECK (kind IN ('document', 'receipt')),
    CONSTRAINT ck_record_uploader CHECK (uploader_role IN ('patient', 'doctor'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS record_shares (
    record_id INT      NOT NULL,
    doctor_id INT      NOT NULL,
    shared_at DATETIME NOT NULL,
    PRIMARY KEY (record_id, doctor_id),
    KEY ix_share_doctor (doctor_id),
    CONSTRAINT fk_share_record FOREIGN KEY (record_id) REFERENCES medical_records (record_id) ON DELETE CASCADE,
    CONSTRAINT fk_share_doctor FOREIGN KEY (doctor_id) REFERENCES doctor_info (doctor_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS video_calls (
    call_id        INT AUTO_INCREMENT PRIMARY KEY,
    appointment_id INT          NOT NULL,
    patient_id     INT          NOT NULL,
    doctor_id      INT          NOT NULL,
    provider       VARCHAR(20)  NOT NULL,
    meeting_link   VARCHAR(500) NOT NULL,
    meeting_code   VARCHAR(100) NOT NULL DEFAULT '',
    call_date      DATE         NOT NULL,
    created_at     DATETIME     NOT NULL,
    updated_at     DATETIME     NOT NULL,
    UNIQUE KEY uq_video_appointment (appointment_id),
    KEY ix_video_patient (patient_id),
    KEY ix_video_doctor (doctor_id),
    CONSTRAINT fk_video_appointment FOREIGN KEY (appointment_id) REFERENCES appointments (appointment_id),
    CONSTRAINT fk_video_patient FOREIGN KEY (patient_id) REFERENCES patient_info (patient_id),
    CONSTRAINT fk_video_doctor FOREIGN KEY (doctor_id) REFERENCES doctor_info (doctor_id),
    CONSTRAINT ck_video_provider CHECK (provider IN ('google-meet', 'jitsi', 'manual'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only: each row carries the hash of the row before it, so a changed or deleted row
-- breaks the chain; sql/grants.sql gives the application account no UPDATE or DELETE here.
CREATE TABLE IF NOT EXISTS audit_log (
    audit_id     BIGINT AUTO_INCREMENT PRIMARY KEY,
    occurred_at  DATETIME(6)  NOT NULL,
    actor_role   VARCHAR(10)  NOT NULL,
    actor_id     INT          NULL,
    action       VARCHAR(50)  NOT NULL,
    subject_role VARCHAR(10)  NULL,
    subject_id   INT          NULL,
    object_type  VARCHAR(30)  NULL,
    object_id    VARCHAR(64)  NULL,
    outcome      VARCHAR(20)  NOT NULL,
    detail       VARCHAR(255) NOT NULL DEFAULT '',
    prev_hash    CHAR(64)     NOT NULL,
    row_hash     CHAR(64)     NOT NULL,
    KEY ix_audit_subject (subject_role, subject_id, occurred_at),
    KEY ix_audit_actor (actor_role, actor_id, occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Only one writer may extend the chain at a time: it locks this single row first.
CREATE TABLE IF NOT EXISTS audit_head (
    head_id   TINYINT  NOT NULL PRIMARY KEY,
    last_id   BIGINT   NOT NULL,
    last_hash CHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS email_outbox (
    message_id      BIGINT AUTO_INCREMENT PRIMARY KEY,
    dedupe_key      VARCHAR(190) NOT NULL,
    kind            VARCHAR(30)  NOT NULL,
    recipient       VARCHAR(254) NOT NULL,
    subject         VARCHAR(255) NOT NULL,
    body_text       MEDIUMTEXT   NOT NULL,
    body_html       MEDIUMTEXT   NULL,
    ics             MEDIUMTEXT   NULL,
    appointment_id  INT          NULL,
    status          VARCHAR(10)  NOT NULL DEFAULT 'pending',
    attempts        INT          NOT NULL DEFAULT 0,
    next_attempt_at DATETIME     NOT NULL,
    last_error      VARCHAR(500) NULL,
    created_at      DATETIME     NOT NULL,
    sent_at         DATETIME     NULL,
    UNIQUE KEY uq_outbox_dedupe (dedupe_key),
    KEY ix_outbox_due (status, next_attempt_at),
    KEY ix_outbox_appointment (appointment_id),
    CONSTRAINT ck_outbox_status CHECK (status IN ('pending', 'sending', 'sent', 'failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
