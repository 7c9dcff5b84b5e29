//! `blocgraph reset`: back to exactly the seed.

use crate::workdir::Workdir;

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
    w.ok(&["stats"]);
    // Hold the store open for writing from a second process: an import waiting on a FIFO.
    let fifo = w.path("fifo.csv");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut holder = w.command(&["import", fifo.to_str().unwrap()]).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let stderr = w.fails(&["reset"], 1);
    assert!(stderr.contains("is in use by another blocgraph process"), "{stderr}");
    std::fs::write(&fifo, "id,kind,label\n").unwrap();
    holder.wait().unwrap();
}
