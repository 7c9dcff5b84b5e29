//! The curated seed data (`seed-data/*.csv`), compiled into the binary and loaded through
//! the same importer users run, so the binary seeds a store from any directory.

use crate::import::Input;

/// The seed files, in the order a reader would list them.
pub const FILES: [(&str, &str); 7] = [
    ("seed-data/entities.csv", include_str!("../seed-data/entities.csv")),
    ("seed-data/sources.csv", include_str!("../seed-data/sources.csv")),
    ("seed-data/memberships.csv", include_str!("../seed-data/memberships.csv")),
    ("seed-data/trade.csv", include_str!("../seed-data/trade.csv")),
    ("seed-data/events.csv", include_str!("../seed-data/events.csv")),
    // Which blocs the seed lists completely (read as Turtle by its extension).
    ("seed-data/blocs-complete.ttl", include_str!("../seed-data/blocs-complete.ttl")),
    // The event types with their definitions, so that `query event-types` can list them.
    ("schema/event-types.ttl", include_str!("../schema/event-types.ttl")),
];

/// The seed files as import inputs.
pub(crate) fn inputs() -> Vec<Input> {
    FILES.iter().map(|&(name, text)| Input::Embedded { name, text }).collect()
}
