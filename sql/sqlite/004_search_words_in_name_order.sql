-- Search words in name order (issue 8; docs/PERFORMANCE.md, "Finding a doctor").
-- Follows sql/mysql/004_search_words_in_name_order.sql. FTS5 (migration 003) found a word's doctors in
-- id order: a page in name order had to gather and sort every match, so a common word cost
-- O(matches). Here, as on MySQL, each word of each listed doctor is a row of doctor_search_terms
-- with the doctor's name, specialty, city and fee, and the word's doctors are read in name order from
-- the index: a page is its first rows.
--
-- Words are split and folded (case, accents) by medlink_words(), MedLink's own function, registered
-- on every connection the application opens (medlink/db/words.py): a change to a listed doctor made
-- with another SQLite tool fails with "no such function: medlink_words" rather than leave the index
-- behind.
-- Statements inside a trigger body start their line with ';' (see 003).

DROP TRIGGER IF EXISTS doctor_search_au;
DROP TRIGGER IF EXISTS doctor_listing_ai;
DROP TRIGGER IF EXISTS doctor_listing_ad;
DROP TABLE IF EXISTS doctor_search;

CREATE TABLE IF NOT EXISTS doctor_search_terms (
    term             VARCHAR(84)   NOT NULL,
    doctor_id        INTEGER       NOT NULL,
    name             VARCHAR(100)  NOT NULL COLLATE NOCASE,
    specialty        VARCHAR(100)  NOT NULL COLLATE NOCASE,
    city             VARCHAR(100)  NOT NULL COLLATE NOCASE,
    consultation_fee DECIMAL(10,2) NULL,
    PRIMARY KEY (term, doctor_id)
) WITHOUT ROWID;

INSERT INTO doctor_search_terms (term, doctor_id, name, specialty, city, consultation_fee)
    SELECT w.value, d.doctor_id, d.name, d.specialty, d.city, d.consultation_fee
    FROM doctor_info d, json_each(medlink_words(d.name, d.specialty, d.hospital, d.qualifications)) w
    WHERE d.verification_status = 'verified' AND d.is_active = 1
    ORDER BY 1, 2;

-- A word's doctors in name order, whole or within a city or a specialty; the other filters' columns
-- ride along so that they are checked in the index.
CREATE INDEX IF NOT EXISTS ix_search_terms_name ON doctor_search_terms (term, name, doctor_id, specialty, city,
                                                                         consultation_fee);
CREATE INDEX IF NOT EXISTS ix_search_terms_city ON doctor_search_terms (term, city, name, doctor_id, specialty,
                                                                         consultation_fee);
CREATE INDEX IF NOT EXISTS ix_search_terms_specialty ON doctor_search_terms (term, specialty, name, doctor_id, city,
                                                                              consultation_fee);
-- Whether a doctor has a word (the other words of a search), and a doctor's rows when they change.
CREATE INDEX IF NOT EXISTS ix_search_terms_doctor ON doctor_search_terms (doctor_id, term);

CREATE TRIGGER IF NOT EXISTS doctor_listing_ai AFTER INSERT ON doctor_info
WHEN NEW.verification_status = 'verified' AND NEW.is_active = 1
BEGIN
    INSERT OR IGNORE INTO doctor_search_terms (term, doctor_id, name, specialty, city, consultation_fee)
        SELECT value, NEW.doctor_id, NEW.name, NEW.specialty, NEW.city, NEW.consultation_fee
        FROM json_each(medlink_words(NEW.name, NEW.specialty, NEW.hospital, NEW.qualifications))
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
    DELETE FROM doctor_search_terms WHERE doctor_id = OLD.doctor_id
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 0 AND specialty = OLD.specialty
        AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 1 AND specialty = OLD.specialty
        AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 2 AND specialty = ''
        AND city = OLD.city AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
    ; UPDATE doctor_listing_counts SET doctors = doctors - 1 WHERE scope = 3 AND specialty = ''
        AND city = '' AND consultation_fee = COALESCE(OLD.consultation_fee, -1)
; END;

-- Only a change to what is indexed touches the words (a login's counters do not).
CREATE TRIGGER IF NOT EXISTS doctor_search_au
AFTER UPDATE OF name, specialty, hospital, qualifications, city, consultation_fee, verification_status, is_active
ON doctor_info
BEGIN
    DELETE FROM doctor_search_terms WHERE doctor_id = OLD.doctor_id
    ; INSERT OR IGNORE INTO doctor_search_terms (term, doctor_id, name, specialty, city, consultation_fee)
        SELECT value, NEW.doctor_id, NEW.name, NEW.specialty, NEW.city, NEW.consultation_fee
        FROM json_each(medlink_words(NEW.name, NEW.specialty, NEW.hospital, NEW.qualifications))
        WHERE NEW.verification_status = 'verified' AND NEW.is_active = 1
; END;
