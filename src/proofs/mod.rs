//! What a light wallet asks about, checked against a verified certificate: transactions,
//! blocks and stake distributions (spec §7).
