-- A bill's receipt is attached to the patient's records once, even if two desktops rebuild it at
-- the same moment (documents have no bill: NULLs never collide).
CREATE UNIQUE INDEX uq_record_bill ON medical_records (bill_id);
