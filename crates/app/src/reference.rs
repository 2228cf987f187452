//! The reference data shipped with the app: the procedure catalogue and the holiday calendar.
