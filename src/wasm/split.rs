//! One certificate's check split over several workers: its point decoding (most of its cost)
//! in parts, then the rest. For the warm path, where a walk has one certificate to check and
//! the pool's other workers would sit idle.

use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use super::walk::Walk;
use crate::certificate::{decode_check_outcome, JoinedPoints};

#[wasm_bindgen]
impl Walk {
    /// The point decoding of check `id` as up to `parts` jobs (fewer for small certificates),
    /// each for `runCheckJob`; the check stays pending. Give their outcomes, in this order, to
    /// `joinCheck`. Empty for an unknown id.
    #[wasm_bindgen(js_name = splitCheck)]
    pub fn split_check(&self, id: u32, parts: u32) -> Vec<js_sys::Uint8Array> {
        self.find_check(id)
            .and_then(|i| self.checks.get(i))
            .map(|c| {
                c.check
                    .split_points(parts as usize)
                    .iter()
                    .map(|part| js_sys::Uint8Array::from(part.to_bytes().as_slice()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fold the parts' outcomes back into check `id`: the bytes of the rest of the check (run
    /// them with `runCheckJob` and give the outcome to `completeCheck`), or `undefined` when a
    /// part failed, in which case the check is completed with that failure already.
    #[wasm_bindgen(js_name = joinCheck)]
    pub fn join_check(&mut self, id: u32, outcomes: Vec<js_sys::Uint8Array>) -> Option<Vec<u8>> {
        let i = self.find_check(id)?;
        let outcomes = outcomes
            .iter()
            .map(|o| decode_check_outcome(&o.to_vec()))
            .collect();
        match self.checks[i].check.clone().join_points(outcomes) {
            JoinedPoints::Ready(joined) => Some(joined.to_bytes()),
            JoinedPoints::Failed(outcome) => {
                let check = self.checks.remove(i);
                self.inner.complete(check.index, outcome);
                None
            }
        }
    }
}
