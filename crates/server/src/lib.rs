//! The district server `motcua-server` as a library: storage, HTTP routes, enrolment.
