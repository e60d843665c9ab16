//! Undo and redo of scenario edits: a stack of whole snapshots.
//!
//! A scenario is a few hundred bytes, so snapshots are simpler and safer than inverse
//! operations. A continuous gesture (dragging a slider, typing into one field) produces a
//! change every frame; those changes share a *group* key (the widget's id) and become a
//! single undo step until the gesture ends (`settle`).
//!
//! Owns: the history. Must not: know about egui, files or the engine.

/// Most steps kept; the oldest are dropped beyond it.
pub const MAX_STEPS: usize = 200;

#[derive(Debug)]
pub struct History<T> {
    undo: Vec<T>,
    redo: Vec<T>,
    /// The gesture the newest undo step belongs to, while that gesture goes on.
    open_group: Option<u64>,
    limit: usize,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            open_group: None,
            limit: MAX_STEPS,
        }
    }
}

impl<T> History<T> {
    pub fn with_limit(limit: usize) -> Self {
        History {
            limit: limit.max(1),
            ..Default::default()
        }
    }

    /// Records that the document changed from `before`. `group` is the id of a continuous
    /// gesture (None for a discrete edit such as a button): edits of the group that is
    /// still open are merged into the step that began it.
    pub fn record(&mut self, before: T, group: Option<u64>) {
        if group.is_some() && group == self.open_group {
            return;
        }
        self.undo.push(before);
        if self.undo.len() > self.limit {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.open_group = group;
    }

    /// Ends the open gesture unless `still_active` says its widget is still being dragged
    /// or edited. Called once per frame.
    pub fn settle(&mut self, still_active: impl Fn(u64) -> bool) {
        if let Some(g) = self.open_group
            && !still_active(g)
        {
            self.open_group = None;
        }
    }

    /// Steps back: returns the previous state; `current` goes onto the redo stack.
    pub fn undo(&mut self, current: T) -> Option<T> {
        let prev = self.undo.pop()?;
        self.redo.push(current);
        self.open_group = None;
        Some(prev)
    }

    pub fn redo(&mut self, current: T) -> Option<T> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        self.open_group = None;
        Some(next)
    }

    /// A continuous gesture (drag, typing) is still being recorded.
    pub fn gesture_open(&self) -> bool {
        self.open_group.is_some()
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.open_group = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simulates the app: the value changes, and the history records the state before.
    struct Doc {
        value: i32,
        h: History<i32>,
    }

    impl Doc {
        fn set(&mut self, v: i32, group: Option<u64>) {
            let before = self.value;
            self.value = v;
            self.h.record(before, group);
        }
    }

    #[test]
    fn a_slider_drag_is_one_step() {
        let mut d = Doc {
            value: 0,
            h: History::default(),
        };
        // frames of one drag of widget 7; the pointer is still down in between
        for v in 1..=30 {
            d.set(v, Some(7));
            d.h.settle(|g| g == 7);
        }
        assert_eq!(d.h.undo_len(), 1);
        // released: the gesture closes; a second drag of the same slider is a new step
        d.h.settle(|_| false);
        d.set(31, Some(7));
        d.set(32, Some(7));
        assert_eq!(d.h.undo_len(), 2);
        d.value = d.h.undo(d.value).unwrap();
        assert_eq!(d.value, 30);
        d.value = d.h.undo(d.value).unwrap();
        assert_eq!(d.value, 0);
        assert!(d.h.undo(d.value).is_none());
        d.value = d.h.redo(d.value).unwrap();
        assert_eq!(d.value, 30);
    }

    #[test]
    fn another_widget_or_a_button_starts_a_new_step() {
        let mut d = Doc {
            value: 0,
            h: History::default(),
        };
        d.set(1, Some(1));
        d.set(2, Some(1));
        d.set(3, Some(2)); // another slider while the first gesture was open
        d.set(4, None); // a button
        d.set(5, None); // discrete edits never merge
        assert_eq!(d.h.undo_len(), 4);
        let mut seen = Vec::new();
        while let Some(v) = d.h.undo(d.value) {
            d.value = v;
            seen.push(v);
        }
        assert_eq!(seen, vec![4, 3, 2, 0]);
    }

    #[test]
    fn an_edit_after_undo_clears_redo_and_the_limit_holds() {
        let mut h = History::with_limit(3);
        let mut value = 0;
        for v in 1..=5 {
            h.record(value, None);
            value = v;
        }
        assert_eq!(h.undo_len(), 3);
        value = h.undo(value).unwrap();
        assert_eq!(value, 4);
        assert!(h.can_redo());
        h.record(value, None);
        assert!(!h.can_redo());
        // undo right after a gesture step does not merge the next edit into it
        let mut h = History::default();
        h.record(0, Some(9));
        let v = h.undo(1).unwrap();
        h.record(v, Some(9));
        assert_eq!(h.undo_len(), 1);
        assert!(!h.can_redo());
    }
}
