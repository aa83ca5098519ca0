-- A bill's receipt is attached to the patient's records once (see the MySQL migration).
CREATE UNIQUE INDEX IF NOT EXISTS uq_record_bill ON medical_records (bill_id);
