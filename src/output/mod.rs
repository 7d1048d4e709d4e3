//! CSV and JSON writers; every file is written atomically (temp file + rename).
