//! Forward-only migrations, per table: a table's list of steps only ever grows, and the store
//! records how many of them ran. A shipped step is never edited.

use rusqlite::{params, Connection, OptionalExtension};

/// Runs the steps of `table` that have not run yet, each in its own transaction.
pub(crate) fn table(conn: &Connection, table: &str, steps: &[&str]) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS migrations (tbl TEXT PRIMARY KEY, done INTEGER NOT NULL)",
    )?;
    let done: i64 = conn
        .query_row(
            "SELECT done FROM migrations WHERE tbl = ?1",
            params![table],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    for (n, step) in steps
        .iter()
        .enumerate()
        .skip(usize::try_from(done).unwrap_or(0))
    {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(step)?;
        tx.execute(
            "INSERT INTO migrations (tbl, done) VALUES (?1, ?2)
             ON CONFLICT (tbl) DO UPDATE SET done = excluded.done",
            params![table, n as i64 + 1],
        )?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_once_and_new_steps_run_later() {
        let conn = Connection::open_in_memory().expect("db");
        let first = ["CREATE TABLE t (a INTEGER)"];
        table(&conn, "t", &first).expect("first");
        table(&conn, "t", &first).expect("again: nothing to do");
        let grown = [first[0], "ALTER TABLE t ADD COLUMN b TEXT"];
        table(&conn, "t", &grown).expect("grown");
        conn.execute("INSERT INTO t (a, b) VALUES (1, 'x')", [])
            .expect("both columns exist");
    }
}
