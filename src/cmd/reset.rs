//! `blocgraph reset`: empty the store and re-seed it (a crash leaves the old state or the seed).

use blocgraph::store::{self, Access, Location};
use blocgraph::Error;

pub fn run(location: &Location) -> Result<(), Error> {
    let db = store::open(location, Access::Write)?;
    store::reset(&db.store)?;
    println!(
        "store at {} reset to the seed data ({} triples)",
        location.describe(),
        db.store.len().map_err(blocgraph::error::StoreError::Storage)?
    );
    Ok(())
}
