-- Doctor signatures in the search index (issue 8; medlink/db/words.py, "signature").
-- A search of several words reads the rows of one word and checks each doctor for the others, a
-- seek each: "sharma cardio" made 1,311 doctors x 2 seeks. Each row now carries a 62-bit summary of
-- the starts of all its doctor's words (the bits of CRC32 of the first two and three letters of each
-- word, modulo 62, as Python's zlib.crc32 gives them; a doctor with a word that is not ASCII gets every
-- bit: this collation compares such words by their letters, not their bytes). A doctor whose summary
-- lacks a word's bits is passed over without a seek, nine in ten of them; the others are checked as before.
-- The triggers of 003 are made again with one more statement: the signature of the rows just written.
ALTER TABLE doctor_search_terms
    ADD COLUMN signature BIGINT NOT NULL DEFAULT 4611686018427387903,
    DROP INDEX ix_search_terms_name, DROP INDEX ix_search_terms_city, DROP INDEX ix_search_terms_specialty,
    ADD INDEX ix_search_terms_name (term, name, doctor_id, specialty, city, consultation_fee, signature),
    ADD INDEX ix_search_terms_city (term, city, name, doctor_id, specialty, consultation_fee, signature),
    ADD INDEX ix_search_terms_specialty (term, specialty, name, doctor_id, city, consultation_fee, signature);

UPDATE doctor_search_terms t
    JOIN (SELECT doctor_id, IF(SUM(CHAR_LENGTH(term) <> LENGTH(term)) > 0, 4611686018427387903,
                                BIT_OR(IF(CHAR_LENGTH(term) >= 2, 1 << (CRC32(LEFT(term, 2)) % 62), 0)
                                       | IF(CHAR_LENGTH(term) >= 3, 1 << (CRC32(LEFT(term, 3)) % 62), 0))) AS signature
          FROM doctor_search_terms GROUP BY doctor_id) s ON s.doctor_id = t.doctor_id
    SET t.signature = s.signature;

DROP TRIGGER IF EXISTS doctor_listing_ai;
DROP TRIGGER IF EXISTS doctor_listing_au;

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
        ; UPDATE doctor_search_terms SET signature = (SELECT IF(SUM(CHAR_LENGTH(w.term) <> LENGTH(w.term)) > 0, 4611686018427387903,
                                        BIT_OR(IF(CHAR_LENGTH(w.term) >= 2, 1 << (CRC32(LEFT(w.term, 2)) % 62), 0)
                                               | IF(CHAR_LENGTH(w.term) >= 3, 1 << (CRC32(LEFT(w.term, 3)) % 62), 0)))
                                 FROM (SELECT term FROM doctor_search_terms WHERE doctor_id = NEW.doctor_id) AS w)
            WHERE doctor_id = NEW.doctor_id
        ; INSERT INTO doctor_listing_counts (scope, specialty, city, consultation_fee, doctors)
            VALUES (0, NEW.specialty, NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
                   (1, NEW.specialty, '', COALESCE(NEW.consultation_fee, -1), 1),
                   (2, '', NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
                   (3, '', '', COALESCE(NEW.consultation_fee, -1), 1)
            ON DUPLICATE KEY UPDATE doctors = doctors + 1
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
            ; UPDATE doctor_search_terms SET signature = (SELECT IF(SUM(CHAR_LENGTH(w.term) <> LENGTH(w.term)) > 0, 4611686018427387903,
                                            BIT_OR(IF(CHAR_LENGTH(w.term) >= 2, 1 << (CRC32(LEFT(w.term, 2)) % 62), 0)
                                                   | IF(CHAR_LENGTH(w.term) >= 3, 1 << (CRC32(LEFT(w.term, 3)) % 62), 0)))
                                     FROM (SELECT term FROM doctor_search_terms WHERE doctor_id = NEW.doctor_id) AS w)
                WHERE doctor_id = NEW.doctor_id
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
