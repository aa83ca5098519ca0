-- Search words in name order (issue 8; docs/PERFORMANCE.md, "Finding a doctor").
-- The table of words of migration 003 found a word's doctors in id order: a page in name order had
-- to gather and sort every match, so a common word cost O(matches). These indexes hold each word's
-- doctors in name order, whole or within a city or a specialty, with the other filters' columns:
-- a page is the first rows of a few such lists. The triggers of 003 keep the rows.
CREATE INDEX ix_search_terms_name ON doctor_search_terms (term, name, doctor_id, specialty, city, consultation_fee);
CREATE INDEX ix_search_terms_city ON doctor_search_terms (term, city, name, doctor_id, specialty, consultation_fee);
CREATE INDEX ix_search_terms_specialty ON doctor_search_terms (term, specialty, name, doctor_id, city,
                                                               consultation_fee);
