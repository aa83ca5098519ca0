"""MedLink: a desktop eHealthcare system for patients, doctors and clinic administrators."""

__version__ = "0.1.0"
