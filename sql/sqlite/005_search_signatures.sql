-- Doctor signatures in the search index (issue 8; medlink/db/words.py, "signature").
-- A search of several words reads the rows of one word and checks each doctor for the others, a
-- seek each: "sharma cardio" made 1,311 doctors x 2 seeks. Each row now carries a 62-bit summary of
-- the starts of all its doctor's words; a doctor whose summary lacks a word's bits is passed over
-- without a seek (nine in ten of them), and the others are checked as before.
ALTER TABLE doctor_search_terms ADD COLUMN signature INTEGER NOT NULL DEFAULT 4611686018427387903;

CREATE TEMP TABLE signatures AS
    SELECT doctor_id, medlink_signature(name, specialty, hospital, qualifications) AS signature
    FROM doctor_info WHERE verification_status = 'verified' AND is_active = 1;
UPDATE doctor_search_terms SET signature = s.signature FROM signatures s
    WHERE s.doctor_id = doctor_search_terms.doctor_id;
DROP TABLE signatures;

-- The same lists, with the signature inside (a doctor is passed over from the index alone).
DROP INDEX IF EXISTS ix_search_terms_name;
DROP INDEX IF EXISTS ix_search_terms_city;
DROP INDEX IF EXISTS ix_search_terms_specialty;
CREATE INDEX IF NOT EXISTS ix_search_terms_name ON doctor_search_terms (term, name, doctor_id, specialty, city,
                                                                         consultation_fee, signature);
CREATE INDEX IF NOT EXISTS ix_search_terms_city ON doctor_search_terms (term, city, name, doctor_id, specialty,
                                                                         consultation_fee, signature);
CREATE INDEX IF NOT EXISTS ix_search_terms_specialty ON doctor_search_terms (term, specialty, name, doctor_id, city,
                                                                              consultation_fee, signature);

DROP TRIGGER IF EXISTS doctor_listing_ai;
DROP TRIGGER IF EXISTS doctor_search_au;

CREATE TRIGGER IF NOT EXISTS doctor_listing_ai AFTER INSERT ON doctor_info
WHEN NEW.verification_status = 'verified' AND NEW.is_active = 1
BEGIN
    INSERT OR IGNORE INTO doctor_search_terms (term, doctor_id, name, specialty, city, consultation_fee, signature)
        SELECT w.value, NEW.doctor_id, NEW.name, NEW.specialty, NEW.city, NEW.consultation_fee, s.signature
        FROM json_each(medlink_words(NEW.name, NEW.specialty, NEW.hospital, NEW.qualifications)) w,
             (SELECT medlink_signature(NEW.name, NEW.specialty, NEW.hospital, NEW.qualifications) AS signature) s
    ; INSERT INTO doctor_listing_counts (scope, specialty, city, consultation_fee, doctors)
        VALUES (0, NEW.specialty, NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
               (1, NEW.specialty, '', COALESCE(NEW.consultation_fee, -1), 1),
               (2, '', NEW.city, COALESCE(NEW.consultation_fee, -1), 1),
               (3, '', '', COALESCE(NEW.consultation_fee, -1), 1)
        ON CONFLICT (scope, specialty, city, consultation_fee) DO UPDATE SET doctors = doctors + 1
; END;

CREATE TRIGGER IF NOT EXISTS doctor_search_au
AFTER UPDATE OF name, specialty, hospital, qualifications, city, consultation_fee, verification_status, is_active
ON doctor_info
BEGIN
    DELETE FROM doctor_search_terms WHERE doctor_id = OLD.doctor_id
    ; INSERT OR IGNORE INTO doctor_search_terms (term, doctor_id, name, specialty, city, consultation_fee, signature)
        SELECT w.value, NEW.doctor_id, NEW.name, NEW.specialty, NEW.city, NEW.consultation_fee, s.signature
        FROM json_each(medlink_words(NEW.name, NEW.specialty, NEW.hospital, NEW.qualifications)) w,
             (SELECT medlink_signature(NEW.name, NEW.specialty, NEW.hospital, NEW.qualifications) AS signature) s
        WHERE NEW.verification_status = 'verified' AND NEW.is_active = 1
; END;
