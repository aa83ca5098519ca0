-- Finding a doctor among 100,000, and long lists that page by index (issue 8; see docs/PERFORMANCE.md).
--
-- A "listed" doctor is verified and active: the only doctors a patient can find.
-- Statements inside a trigger body start their line with ';': migrations are cut into statements
-- at lines that end with ';' (medlink/db/migrations.py), so no line inside a body may end with one.
-- The triggers run with the rights of the account that ran init-db; the application account only
-- needs SELECT on the two new tables (sql/grants.sql). With binary logging on, creating triggers
-- needs SUPER or log_bin_trust_function_creators.

-- Listed doctors in name order (the search's default order), whole or by specialty and city; the fee
-- rides along so that a highest-fee filter is checked in the index.
CREATE INDEX ix_doctor_listed_name ON doctor_info (verification_status, is_active, name, doctor_id,
                                                   consultation_fee);
CREATE INDEX ix_doctor_listed_specialty ON doctor_info (verification_status, is_active, specialty, name,
                                                        doctor_id, consultation_fee);
CREATE INDEX ix_doctor_listed_city ON doctor_info (verification_status, is_active, city, name, doctor_id,
                                                   consultation_fee);
CREATE INDEX ix_doctor_listed_specialty_city ON doctor_info (verification_status, is_active, specialty, city, name,
                                                             doctor_id, consultation_fee);
CREATE INDEX ix_doctor_listed_fee ON doctor_info (verification_status, is_active, consultation_fee, name,
                                                  doctor_id);
-- The administrator's lists by state, oldest sign-up first; the four indexes it replaces led with
-- the state only and could not serve the listed doctors' order.
CREATE INDEX ix_doctor_status_created ON doctor_info (verification_status, created_at);
DROP INDEX ix_doctor_status_name ON doctor_info;
DROP INDEX ix_doctor_status_specialty ON doctor_info;
DROP INDEX ix_doctor_status_city ON doctor_info;
DROP INDEX ix_doctor_status_fee ON doctor_info;

-- A page of doctors' weekly hours (their next open slot) from the index alone, in order.
CREATE INDEX ix_availability_doctor_hours ON doctor_availability (doctor_id, weekday, start_time, end_time);
DROP INDEX ix_availability_doctor ON doctor_availability;
-- A doctor's patients and whether a patient is one of them, without reading the doctor's whole history.
CREATE INDEX ix_appointment_doctor_patient ON appointments (doctor_id, patient_id, appointment_date);
-- Whether each listed appointment's confirmation went out: the newest message of the kind, from the index alone.
CREATE INDEX ix_outbox_appointment_kind ON email_outbox (appointment_id, kind, message_id, status);
DROP INDEX ix_outbox_appointment ON email_outbox;

-- Free-text search: each word of a listed doctor's name, specialty, hospital and qualifications, in
-- lower case (a word: letters, digits and marks; anything else separates words), kept by the
-- triggers below. "cardio" finds a doctor through the range 'cardio' <= term < 'cardip' of the key.
-- The name, specialty, city and fee ride along: a page of matches is filtered and put in name order
-- from these narrow rows alone, and only its own doctors' rows are read.
CREATE TABLE IF NOT EXISTS doctor_search_terms (
    term             VARCHAR(84)   NOT NULL,
    doctor_id        INT           NOT NULL,
    name             VARCHAR(100)  NOT NULL,
    specialty        VARCHAR(100)  NOT NULL,
    city             VARCHAR(100)  NOT NULL,
    consultation_fee DECIMAL(10,2) NULL,
    PRIMARY KEY (term, doctor_id),
    KEY ix_search_terms_doctor (doctor_id, term)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- How many listed doctors there are by specialty, city and consultation fee (-1: none set, billed
-- at the configured default), with the sums over every city (scope 1), every specialty (scope 2)
-- and both (scope 3) kept too: the exact total of a filtered search without counting doctors.
CREATE TABLE IF NOT EXISTS doctor_listing_counts (
    scope            TINYINT       NOT NULL,
    specialty        VARCHAR(100)  NOT NULL,
    city             VARCHAR(100)  NOT NULL,
    consultation_fee DECIMAL(10,2) NOT NULL,
    doctors          INT           NOT NULL,
    PRIMARY KEY (scope, specialty, city, consultation_fee),
    CONSTRAINT ck_listing_scope CHECK (scope BETWEEN 0 AND 3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO doctor_search_terms (term, doctor_id, name, specialty, city, consultation_fee)
    WITH RECURSIVE words (doctor_id, word, rest) AS (
        SELECT doctor_id, SUBSTRING_INDEX(t, ' ', 1), SUBSTRING(t, CHAR_LENGTH(SUBSTRING_INDEX(t, ' ', 1)) + 2)
        FROM (SELECT doctor_id, TRIM(REGEXP_REPLACE(LOWER(CONCAT_WS(' ', name, specialty, hospital, qualifications)),
                                                    '[^\\p{L}\\p{N}\\p{M}]+', ' ')) AS t
              FROM doctor_info WHERE verification_status = 'verified' AND is_active = 1) AS listed
        UNION ALL
        SELECT doctor_id, SUBSTRING_INDEX(rest, ' ', 1), SUBSTRING(rest, CHAR_LENGTH(SUBSTRING_INDEX(rest, ' ', 1)) + 2)
        FROM words WHERE rest <> '')
    SELECT LEFT(w.word, 84), w.doctor_id, d.name, d.specialty, d.city, d.consultation_fee
    FROM words w JOIN doctor_info d ON d.doctor_id = w.doctor_id WHERE w.word <> '';

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

CREATE TRIGGER doctor_listing_ai AFTER INSERT ON doctor_info FOR EACH ROW
BEGIN
    IF NEW.verification_status = 'verified' AND NEW.is_active = 1 THEN
        INSERT IGNORE INTO doctor_search_terms (term, doctor_id, name, specialty, city, consultation_fee)
            WITH RECURSIVE words (word, rest) AS (
                SELECT SUBSTRING_INDEX(t, ' ', 1), SUBSTRING(t, CHAR_LENGTH(SUBSTRING_INDEX(t, ' ', 1)) + 2)
                FROM (SELECT TRIM(REGEXP_REPLACE(LOWER(CONCAT_WS(' ', NEW.name, NEW.specialty, NEW.hospital,
                                                                 NEW.qualifications)),
                                                 '[^\\p{L}\\p{N}\\p{M}]+', ' ')) AS t) AS doc
                UNION ALL
                SELECT SUBSTRING_INDEX(rest, ' ', 1), SUBSTRING(rest, CHAR_LENGTH(SUBSTRING_INDEX(rest, ' ', 1)) + 2)
                FROM words WHERE rest <> '')
            SELECT LEFT(word, 84), NEW.doctor_id, NEW.name, NEW.specialty, NEW.city, NEW.consultation_fee
                FROM words WHERE word <> ''
        ; INSERT INTO doctor_listing_counts (scope, specialty, city, consultation_fee, doctors)
            VALUES (0, NEW.specialty, NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
                   (1, NEW.specialty, '', COALESCE(NEW.consultation_fee, -1), 1),
                   (2, '', NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
                   (3, '', '', COALESCE(NEW.consultation_fee, -1), 1)
            ON DUPLICATE KEY UPDATE doctors = doctors + 1
    ; END IF
; END;

CREATE TRIGGER doctor_listing_ad AFTER DELETE ON doctor_info FOR EACH ROW
BEGIN
    DELETE FROM doctor_search_terms WHERE doctor_id = OLD.doctor_id
    ; IF OLD.verification_status = 'verified' AND OLD.is_active = 1 THEN
        UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 0 AND specialty = OLD.specialty
            AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
        ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 1 AND specialty = OLD.specialty
            AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
        ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 2 AND specialty = ''
            AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
        ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 3 AND specialty = ''
            AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
    ; END IF
; END;

-- Only a change to what is indexed or counted touches the words or the counts (a login's counters do not).
CREATE TRIGGER doctor_listing_au AFTER UPDATE ON doctor_info FOR EACH ROW
BEGIN
    IF NOT (BINARY OLD.name <=> BINARY NEW.name AND BINARY OLD.specialty <=> BINARY NEW.specialty
            AND OLD.hospital <=> NEW.hospital AND OLD.qualifications <=> NEW.qualifications
            AND BINARY OLD.city <=> BINARY NEW.city AND OLD.consultation_fee <=> NEW.consultation_fee
            AND OLD.verification_status <=> NEW.verification_status AND OLD.is_active <=> NEW.is_active) THEN
        DELETE FROM doctor_search_terms WHERE doctor_id = OLD.doctor_id
        ; IF NEW.verification_status = 'verified' AND NEW.is_active = 1 THEN
            INSERT IGNORE INTO doctor_search_terms (term, doctor_id, name, specialty, city, consultation_fee)
                WITH RECURSIVE words (word, rest) AS (
                    SELECT SUBSTRING_INDEX(t, ' ', 1), SUBSTRING(t, CHAR_LENGTH(SUBSTRING_INDEX(t, ' ', 1)) + 2)
                    FROM (SELECT TRIM(REGEXP_REPLACE(LOWER(CONCAT_WS(' ', NEW.name, NEW.specialty, NEW.hospital,
                                                                     NEW.qualifications)),
                                                     '[^\\p{L}\\p{N}\\p{M}]+', ' ')) AS t) AS doc
                    UNION ALL
                    SELECT SUBSTRING_INDEX(rest, ' ', 1),
                           SUBSTRING(rest, CHAR_LENGTH(SUBSTRING_INDEX(rest, ' ', 1)) + 2)
                    FROM words WHERE rest <> '')
                SELECT LEFT(word, 84), NEW.doctor_id, NEW.name, NEW.specialty, NEW.city, NEW.consultation_fee
                FROM words WHERE word <> ''
        ; END IF
    ; END IF
    ; IF NOT (OLD.specialty <=> NEW.specialty AND OLD.city <=> NEW.city
              AND OLD.consultation_fee <=> NEW.consultation_fee
              AND OLD.verification_status <=> NEW.verification_status AND OLD.is_active <=> NEW.is_active) THEN
        IF OLD.verification_status = 'verified' AND OLD.is_active = 1 THEN
            UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 0 AND specialty = OLD.specialty
                AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
            ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 1 AND specialty = OLD.specialty
                AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
            ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 2 AND specialty = ''
                AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
            ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 3 AND specialty = ''
                AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
        ; END IF
        ; IF NEW.verification_status = 'verified' AND NEW.is_active = 1 THEN
            INSERT INTO doctor_listing_counts (scope, specialty, city, consultation_fee, doctors)
                VALUES (0, NEW.specialty, NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
                       (1, NEW.specialty, '', COALESCE(NEW.consultation_fee, -1), 1),
                       (2, '', NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
                       (3, '', '', COALESCE(NEW.consultation_fee, -1), 1)
                ON DUPLICATE KEY UPDATE doctors = doctors + 1
        ; END IF
    ; END IF
; END;
