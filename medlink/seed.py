"""Demo data for a first look: verified doctors across specialties and cities, with fees and
weekly hours; demo patients; one doctor awaiting verification; an administrator.

Every demo account shares one published password, so this is for the embedded database only
(``main.py seed-demo`` asks for ``--force`` on a MySQL server).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from medlink.core import MedLink
from medlink.dao import availability, doctors

DEMO_SECRET = "medlink-demo-2026"  # published in the README: demo accounts only

WEEKDAY_HOURS = [(w, dt.time(9, 0), dt.time(13, 0)) for w in range(5)] + \
                [(w, dt.time(16, 0), dt.time(19, 0)) for w in (0, 2, 4)] + [(5, dt.time(10, 0), dt.time(13, 0))]

# name, specialty, qualifications, hospital, city, years, fee, slot minutes
DOCTORS = [
    ("Dr. Ananya Iyer", "General Physician", "MBBS (Madras Medical College), MD General Medicine",
     "Lakshmi Family Clinic", "Chennai", 11, "400", 15),
    ("Dr. Rohan Mehta", "Cardiology", "MBBS, MD Medicine, DM Cardiology (AIIMS Delhi)",
     "Sunrise Heart Centre", "Mumbai", 18, "1200", 20),
    ("Dr. Farah Qureshi", "Dermatology", "MBBS, MD Dermatology, Venereology & Leprosy",
     "Clear Skin Clinic", "Hyderabad", 9, "700", 15),
    ("Dr. Suresh Nair", "Pediatrics", "MBBS, DCH, MD Pediatrics", "Little Steps Children's Clinic",
     "Bengaluru", 14, "600", 15),
    ("Dr. Kavita Deshpande", "Gynecology", "MBBS, MS Obstetrics & Gynaecology", "Aarogya Women's Hospital",
     "Pune", 16, "800", 20),
    ("Dr. Arjun Singh", "Orthopedics", "MBBS, MS Orthopaedics, Fellowship in Joint Replacement",
     "Bone & Joint Care", "Delhi", 12, "900", 20),
    ("Dr. Meera Banerjee", "Neurology", "MBBS, MD Medicine, DM Neurology (NIMHANS)", "Eastern Neuro Clinic",
     "Kolkata", 15, "1100", 30),
    ("Dr. Vivek Rao", "ENT", "MBBS, MS Otorhinolaryngology", "Rao ENT Centre", "Hyderabad", 8, "500", 15),
    ("Dr. Sneha Kulkarni", "Psychiatry", "MBBS, MD Psychiatry", "MindWell Clinic", "Pune", 10, "1000", 30),
    ("Dr. Imran Sheikh", "Endocrinology", "MBBS, MD Medicine, DM Endocrinology", "Sugar & Thyroid Clinic",
     "Mumbai", 13, "900", 20),
    ("Dr. Priya Raman", "Ophthalmology", "MBBS, MS Ophthalmology", "Clear Vision Eye Care", "Chennai", 7, "600", 15),
    ("Dr. Harpreet Gill", "Pulmonology", "MBBS, MD Respiratory Medicine", "BreatheEasy Chest Clinic",
     "Delhi", 17, "850", 20),
    ("Dr. Lakshmi Menon", "General Physician", "MBBS, DNB Family Medicine", "Community Health Centre",
     "Bengaluru", 6, "300", 15),
]
PATIENTS = [
    ("Asha Verma", "asha@demo.medlink", "9876543210", "1988-03-14", "Female", "12 MG Road, Pune",
     "Mild asthma since childhood."),
    ("Rahul Khanna", "rahul@demo.medlink", "9123456780", "1979-11-02", "Male", "44 Park Street, Kolkata",
     "Type 2 diabetes, on metformin."),
]
PENDING_DOCTOR = ("Dr. Nikhil Joshi", "General Physician", "MBBS (BJ Medical College, Pune)", "Joshi Clinic",
                  "Pune", 3, "350", 15)


@dataclass(frozen=True)
class DemoLogins:
    admin: str
    doctors: list[str]
    patients: list[str]
    pending_doctor: str
    password: str = DEMO_SECRET


def is_empty(ml: MedLink) -> bool:
    with ml.db.transaction() as tx:
        return doctors.count(tx) == 0


def seed_demo(ml: MedLink) -> DemoLogins:
    """Create the demo accounts; call on an empty database."""
    admin_id = ml.auth.create_admin(username="admin", password=DEMO_SECRET)
    admin = ml.auth.login("admin", "admin", DEMO_SECRET)
    doctor_emails = []
    for index, (name, specialty, quals, hospital, city, years, fee, slot) in enumerate(DOCTORS, start=1):
        email = f"doctor{index}@demo.medlink"
        doctor_id = ml.auth.register_doctor(
            name=name, email=email, phone=f"+9198{index:08d}", password=DEMO_SECRET, qualifications=quals,
            specialty=specialty, hospital=hospital, city=city, experience_years=years,
            registration_number=f"DEMO/{city[:3].upper()}/{1000 + index}",
            bio=f"{specialty} practice in {city} for {years} years.", hospital_address=f"{hospital}, {city}")
        ml.admin.verify_doctor(admin, doctor_id)
        with ml.db.transaction() as tx:
            doctors.set_fees(tx, doctor_id, Decimal(fee), Decimal("250") if index % 3 == 0 else Decimal("0"),
                             Decimal("0"), Decimal("50"))
            doctors.update(tx, doctor_id, {"slot_minutes": slot, "contact_public": index % 2})
            availability.replace_hours(tx, doctor_id, WEEKDAY_HOURS)
        doctor_emails.append(email)
    name, specialty, quals, hospital, city, years, _, _ = PENDING_DOCTOR
    ml.auth.register_doctor(name=name, email="pending@demo.medlink", phone="+919800000099", password=DEMO_SECRET,
                            qualifications=quals, specialty=specialty, hospital=hospital, city=city,
                            experience_years=years, registration_number="DEMO/PUN/9999")
    for name, email, phone, born, gender, address, history in PATIENTS:
        ml.auth.register_patient(name=name, email=email, phone=phone, password=DEMO_SECRET, date_of_birth=born,
                                 gender=gender, address=address, medical_history=history)
    ml.auth.logout(admin)
    del admin_id
    return DemoLogins(admin="admin", doctors=doctor_emails, patients=[p[1] for p in PATIENTS],
                      pending_doctor="pending@demo.medlink")
