-- Finding a doctor among 100,000, and long lists that page by index (issue 8; see docs/PERFORMANCE.md).
-- Follows sql/mysql/003_search_at_scale.sql; SQLite has partial indexes and FTS5 where MySQL has
-- composite indexes and a table of words kept by triggers.
--
-- A "listed" doctor is verified and active: the only doctors a patient can find.
-- Statements inside a trigger body start their line with ';': migrations are cut into statements
-- at lines that end with ';' (medlink/db/migrations.py), so no line inside a body may end with one.

-- Listed doctors in name order (the search's default order), whole or by specialty and city; the fee
-- rides along so that a highest-fee filter is checked in the index.
CREATE INDEX IF NOT EXISTS ix_doctor_listed_name ON doctor_info (name, doctor_id, consultation_fee)
    WHERE verification_status = 'verified' AND is_active = 1;
CREATE INDEX IF NOT EXISTS ix_doctor_listed_specialty ON doctor_info (specialty, name, doctor_id, consultation_fee)
    WHERE verification_status = 'verified' AND is_active = 1;
CREATE INDEX IF NOT EXISTS ix_doctor_listed_city ON doctor_info (city, name, doctor_id, consultation_fee)
    WHERE verification_status = 'verified' AND is_active = 1;
CREATE INDEX IF NOT EXISTS ix_doctor_listed_specialty_city ON doctor_info (specialty, city, name, doctor_id, consultation_fee)
    WHERE verification_status = 'verified' AND is_active = 1;
CREATE INDEX IF NOT EXISTS ix_doctor_listed_fee ON doctor_info (consultation_fee, name, doctor_id)
    WHERE verification_status = 'verified' AND is_active = 1;
-- The administrator's lists by state, oldest sign-up first; the four indexes it replaces led with
-- the state only and could not serve the listed doctors' order.
CREATE INDEX IF NOT EXISTS ix_doctor_status_created ON doctor_info (verification_status, created_at);
DROP INDEX IF EXISTS ix_doctor_status_name;
DROP INDEX IF EXISTS ix_doctor_status_specialty;
DROP INDEX IF EXISTS ix_doctor_status_city;
DROP INDEX IF EXISTS ix_doctor_status_fee;

-- A page of doctors' weekly hours (their next open slot) from the index alone, in order.
CREATE INDEX IF NOT EXISTS ix_availability_doctor_hours ON doctor_availability (doctor_id, weekday, start_time, end_time);
DROP INDEX IF EXISTS ix_availability_doctor;
-- A doctor's patients and whether a patient is one of them, without reading the doctor's whole history.
CREATE INDEX IF NOT EXISTS ix_appointment_doctor_patient ON appointments (doctor_id, patient_id, appointment_date);
-- Whether each listed appointment's confirmation went out: the newest message of the kind, from the index alone.
CREATE INDEX IF NOT EXISTS ix_outbox_appointment_kind ON email_outbox (appointment_id, kind, message_id, status);
DROP INDEX IF EXISTS ix_outbox_appointment;

-- Free-text search: the words of listed doctors' name, specialty, hospital and qualifications.
-- External content (the text stays in doctor_info; this holds the index only), kept by the triggers
-- below; only listed doctors are in it. Searches match the start of words ("cardio"*): the prefix
-- indexes of 2 to 8 characters give such a query one list to read instead of merging the lists of
-- every word it starts (a word found in most doctors counts about three times faster).
CREATE VIRTUAL TABLE IF NOT EXISTS doctor_search USING fts5(
    name, specialty, hospital, qualifications,
    content = 'doctor_info', content_rowid = 'doctor_id',
    tokenize = 'unicode61 remove_diacritics 2', detail = none, columnsize = 0, prefix = '2 3 4 5 6 7 8');

-- How many listed doctors there are by specialty, city and consultation fee (-1: none set, billed
-- at the configured default), with the sums over every city (scope 1), every specialty (scope 2)
-- and both (scope 3) kept too: the exact total of a filtered search without counting doctors.
CREATE TABLE IF NOT EXISTS doctor_listing_counts (
    scope            INTEGER       NOT NULL,
    specialty        VARCHAR(100)  NOT NULL COLLATE NOCASE,
    city             VARCHAR(100)  NOT NULL COLLATE NOCASE,
    consultation_fee DECIMAL(10,2) NOT NULL,
    doctors          INTEGER       NOT NULL,
    PRIMARY KEY (scope, specialty, city, consultation_fee),
    CONSTRAINT ck_listing_scope CHECK (scope BETWEEN 0 AND 3)
);

INSERT INTO doctor_search (rowid, name, specialty, hospital, qualifications)
    SELECT doctor_id, name, specialty, hospital, qualifications FROM doctor_info
    WHERE verification_status = 'verified' AND is_active = 1;

INSERT INTO doctor_listing_counts (scope, specialty, city, consultation_fee, doctors)
    SELECT 0, specialty, city, COALESCE(consultation_fee, -1), COUNT(*) FROM doctor_info
    WHERE verification_status = 'verified' AND is_active = 1 GROUP BY 2, 3, 4
    UNION ALL
    SELECT 1, specialty, '', COALESCE(consultation_fee, -1), COUNT(*) FROM doctor_info
    WHERE verification_status = 'verified' AND is_active = 1 GROUP BY 2, 4
    UNION ALL
    SELECT 2, '', city, COALESCE(consultation_fee, -1), COUNT(*) FROM doctor_info
    WHERE verification_status = 'verified' AND is_active = 1 GROUP BY 3, 4
    UNION ALL
    SELECT 3, '', '', COALESCE(consultation_fee, -1), COUNT(*) FROM doctor_info
    WHERE verification_status = 'verified' AND is_active = 1 GROUP BY 4;

CREATE TRIGGER IF NOT EXISTS doctor_listing_ai AFTER INSERT ON doctor_info
WHEN NEW.verification_status = 'verified' AND NEW.is_active = 1
BEGIN
    INSERT INTO doctor_search (rowid, name, specialty, hospital, qualifications)
        VALUES (NEW.doctor_id, NEW.name, NEW.specialty, NEW.hospital, NEW.qualifications)
    ; INSERT INTO doctor_listing_counts (scope, specialty, city, consultation_fee, doctors)
        VALUES (0, NEW.specialty, NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
               (1, NEW.specialty, '', COALESCE(NEW.consultation_fee, -1), 1),
               (2, '', NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
               (3, '', '', COALESCE(NEW.consultation_fee, -1), 1)
        ON CONFLICT (scope, specialty, city, consultation_fee) DO UPDATE SET doctors = doctors + 1
; END;

CREATE TRIGGER IF NOT EXISTS doctor_listing_ad AFTER DELETE ON doctor_info
WHEN OLD.verification_status = 'verified' AND OLD.is_active = 1
BEGIN
    INSERT INTO doctor_search (doctor_search, rowid, name, specialty, hospital, qualifications)
        VALUES ('delete', OLD.doctor_id, OLD.name, OLD.specialty, OLD.hospital, OLD.qualifications)
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 0 AND specialty = OLD.specialty
        AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 1 AND specialty = OLD.specialty
        AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 2 AND specialty = ''
        AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 3 AND specialty = ''
        AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
; END;

-- Only a change to what is indexed or counted touches the index or the counts (a login's counters do not).
CREATE TRIGGER IF NOT EXISTS doctor_search_au
AFTER UPDATE OF name, specialty, hospital, qualifications, verification_status, is_active ON doctor_info
BEGIN
    INSERT INTO doctor_search (doctor_search, rowid, name, specialty, hospital, qualifications)
        SELECT 'delete', OLD.doctor_id, OLD.name, OLD.specialty, OLD.hospital, OLD.qualifications
        WHERE OLD.verification_status = 'verified' AND OLD.is_active = 1
    ; INSERT INTO doctor_search (rowid, name, specialty, hospital, qualifications)
        SELECT NEW.doctor_id, NEW.name, NEW.specialty, NEW.hospital, NEW.qualifications
        WHERE NEW.verification_status = 'verified' AND NEW.is_active = 1
; END;

CREATE TRIGGER IF NOT EXISTS doctor_listing_au
AFTER UPDATE OF specialty, city, consultation_fee, verification_status, is_active ON doctor_info
BEGIN
    UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 0 AND specialty = OLD.specialty
        AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
        AND OLD.verification_status = 'verified' AND OLD.is_active = 1
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 1 AND specialty = OLD.specialty
        AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
        AND OLD.verification_status = 'verified' AND OLD.is_active = 1
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 2 AND specialty = ''
        AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
        AND OLD.verification_status = 'verified' AND OLD.is_active = 1
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 3 AND specialty = ''
        AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
        AND OLD.verification_status = 'verified' AND OLD.is_active = 1
    ; INSERT INTO doctor_listing_counts (scope, specialty, city, consultation_fee, doctors)
        SELECT scope, specialty, city, COALESCE(NEW.consultation_fee, -1), 1
        FROM (SELECT 0 AS scope, NEW.specialty AS specialty, NEW.city AS city
              UNION ALL SELECT 1, NEW.specialty, '' UNION ALL SELECT 2, '', NEW.city UNION ALL SELECT 3, '', '')
        WHERE NEW.verification_status = 'verified' AND NEW.is_active = 1
        ON CONFLICT (scope, specialty, city, consultation_fee) DO UPDATE SET doctors = doctors + 1
; END;
