//! Plans shown to the user and not yet run. A front end that shows a plan and runs it later (the
//! app: plan, then confirm) keeps the plan here and runs it by its id, so what runs is exactly
//! what was shown; only recent plans are kept, and a plan runs once.

use crate::execute::Prepared;
use std::collections::VecDeque;
use std::sync::Mutex;

/// Recently shown plans, each with what the front end showed beside it (`T`: the schedule's
/// terms for a schedule preview, nothing for a plain prune).
pub struct PlanBook<T = ()> {
    kept: usize,
    shown: Mutex<VecDeque<(Prepared, T)>>,
}

impl<T: Clone> PlanBook<T> {
    /// A book that remembers the last `kept` plans.
    pub fn new(kept: usize) -> PlanBook<T> {
        PlanBook {
            kept: kept.max(1),
            shown: Mutex::new(VecDeque::new()),
        }
    }

    /// Remembers a plan the user is being shown; the oldest is forgotten past the limit.
    pub fn shown(&self, prepared: Prepared, with: T) {
        let mut shown = self.lock();
        shown.push_back((prepared, with));
        while shown.len() > self.kept {
            shown.pop_front();
        }
    }

    /// The plan `plan_id`, if it was shown recently with terms that `agrees` accepts.
    pub fn find(&self, plan_id: &str, agrees: impl Fn(&T) -> bool) -> Option<(Prepared, T)> {
        self.lock()
            .iter()
            .find(|(p, with)| p.plan_id == plan_id && agrees(with))
            .cloned()
    }

    /// Forgets `plan_id`: it ran, and running it again would only find everything gone.
    pub fn ran(&self, plan_id: &str) {
        self.lock().retain(|(p, _)| p.plan_id != plan_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(Prepared, T)>> {
        // A panic while the book was held leaves a list that is still whole.
        self.shown.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_prune::{Plan, Request};

    fn prepared(id: &str) -> Prepared {
        Prepared {
            plan_id: id.to_owned(),
            planned_at: 0,
            why: "prune".to_owned(),
            request: Request::default(),
            plan: Plan::default(),
            engine: "unix:///x".to_owned(),
        }
    }

    #[test]
    fn only_recent_plans_are_kept() {
        let book = PlanBook::new(2);
        for id in ["a", "b", "c"] {
            book.shown(prepared(id), ());
        }
        assert!(
            book.find("a", |_| true).is_none(),
            "the oldest is forgotten"
        );
        assert!(book.find("b", |_| true).is_some());
        assert!(book.find("c", |_| true).is_some());
    }

    #[test]
    fn a_plan_that_ran_is_not_found_again() {
        let book = PlanBook::new(4);
        book.shown(prepared("a"), ());
        book.ran("a");
        assert!(book.find("a", |_| true).is_none());
    }

    #[test]
    fn a_plan_shown_with_other_terms_is_not_found() {
        let book = PlanBook::new(4);
        book.shown(prepared("a"), 10u64);
        assert!(book.find("a", |terms| *terms == 20).is_none());
        assert!(book.find("a", |terms| *terms == 10).is_some());
    }
}
