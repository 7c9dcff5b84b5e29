//! `blocgraph reset`: back to exactly the seed.

use crate::workdir::{Holder, Workdir};

#[test]
fn reset_restores_the_seed() {
    let w = Workdir::new();
    let seed = w.snapshot();
    let file = w.write("e.csv", "id,kind,label\nXLD,country,Freedonia\n");
    w.ok(&["import", file.to_str().unwrap()]);
    assert_ne!(w.snapshot(), seed);
    let out = w.ok(&["reset"]);
    assert!(out.contains("reset"), "{out}");
    assert_eq!(w.snapshot(), seed);
}

#[test]
fn reset_in_use_store_is_a_clear_runtime_error() {
    let w = Workdir::new();
    let file = w.write("e.csv", "id,kind,label\nXLD,country,Freedonia\n");
    w.ok(&["import", file.to_str().unwrap()]);
    let before = w.snapshot();
    // A second process holds the store's lock (seen in /proc/locks, not assumed after a sleep).
    let holder = Holder::new(&w);
    let stderr = w.fails(&["reset"], 1);
    assert!(stderr.contains("is in use by another blocgraph process"), "{stderr}");
    holder.release();
    assert_eq!(w.snapshot(), before, "the refused reset changed the store");
}
