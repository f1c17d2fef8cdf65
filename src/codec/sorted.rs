//! A map kept as a vector sorted by key, and the one sort the crate uses.
//!
//! Why not `BTreeMap` and `slice::sort*`: in the wasm module each key/value type of a
//! `BTreeMap` instantiates its own node-balancing code, and each element type and comparator of
//! a slice sort its own quicksort, drift sort and small-sort networks, 1 to 3 KB apiece. The
//! maps here are small or built once from a document, so a sorted vector with binary search does
//! as well; and every sort goes through one heapsort that reaches the elements through a trait
//! object, so the algorithm is in the module once, whatever the element type.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::cmp::Ordering;
use core::fmt;

/// What the heapsort sees of the sequence it sorts: compare and swap by position.
trait Sequence {
    /// Whether the element at `i` orders before the one at `j`.
    fn less(&mut self, i: usize, j: usize) -> bool;
    /// Exchange the elements at `i` and `j`.
    fn swap(&mut self, i: usize, j: usize);
}

struct SliceSequence<'a, T, F> {
    items: &'a mut [T],
    less: F,
}

impl<T, F: FnMut(&T, &T) -> bool> Sequence for SliceSequence<'_, T, F> {
    fn less(&mut self, i: usize, j: usize) -> bool {
        match (self.items.get(i), self.items.get(j)) {
            (Some(a), Some(b)) => (self.less)(a, b),
            _ => false,
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        if i < self.items.len() && j < self.items.len() {
            self.items.swap(i, j);
        }
    }
}

/// Sort `items` so that no element is `less` than one before it. Not stable: where equal
/// elements are distinguishable, `less` must order them (by position, for instance).
///
/// Heapsort: O(n log n) comparisons whatever the input, no allocation, and one copy of the
/// algorithm in the binary (see the module notes).
pub(crate) fn sort_by<T, F: FnMut(&T, &T) -> bool>(items: &mut [T], less: F) {
    let len = items.len();
    heapsort(&mut SliceSequence { items, less }, len);
}

#[inline(never)]
fn heapsort(seq: &mut dyn Sequence, len: usize) {
    // Make a max-heap, then move its root behind the shrinking heap one element at a time.
    let mut start = len / 2;
    while start > 0 {
        start -= 1;
        sift_down(seq, start, len);
    }
    let mut end = len;
    while end > 1 {
        end -= 1;
        seq.swap(0, end);
        sift_down(seq, 0, end);
    }
}

fn sift_down(seq: &mut dyn Sequence, mut node: usize, end: usize) {
    loop {
        // node < end <= isize::MAX, so this does not overflow.
        let mut child = 2 * node + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && seq.less(child, child + 1) {
            child += 1;
        }
        if !seq.less(node, child) {
            return;
        }
        seq.swap(node, child);
        node = child;
    }
}

/// A map from keys to values, iterated in ascending key order: a vector of entries sorted by
/// key, each key once.
///
/// Lookups are binary searches. [`SortedMap::insert`] shifts the entries after the new one, so
/// it suits small maps; a map read from a document is built at once with
/// [`SortedMap::from_entries`] (or [`Extend`]), which sorts.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> SortedMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in ascending key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }

    /// The keys, ascending.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + '_ {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values, in ascending key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The entries as a slice, in ascending key order.
    pub fn as_slice(&self) -> &[(K, V)] {
        &self.entries
    }

    /// Remove every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// A map of `entries`, given in any order; of entries with equal keys, the last one given
    /// is kept (as inserting them one by one would).
    pub fn from_entries(entries: Vec<(K, V)>) -> Self {
        let mut map = SortedMap { entries };
        map.normalize(0);
        map
    }

    fn search<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let i = self.search(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.search(key).is_ok()
    }

    /// Set the value of `key`; returns the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.search(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| core::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Restore the invariant after entries were appended from position `appended` on: sort by
    /// key and keep, of equal keys, the entry appended last.
    fn normalize(&mut self, appended: usize) {
        // Already ordered (a document listing its keys in order, a merge of ascending keys
        // past the existing ones): nothing to do.
        if appended == self.entries.len()
            || self
                .entries
                .windows(2)
                .all(|w| matches!(w, [a, b] if a.0 < b.0))
        {
            return;
        }
        let mut tagged: Vec<(usize, (K, V))> = core::mem::take(&mut self.entries)
            .into_iter()
            .enumerate()
            .collect();
        // By key, and among equal keys the latest first, so that deduplication keeps it.
        sort_by(&mut tagged, |(i, (a, _)), (j, (b, _))| match a.cmp(b) {
            Ordering::Less => true,
            Ordering::Equal => i > j,
            Ordering::Greater => false,
        });
        tagged.dedup_by(|(_, (later, _)), (_, (kept, _))| later == kept);
        self.entries = tagged.into_iter().map(|(_, entry)| entry).collect();
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap::new()
    }
}

/// Like a `BTreeMap`'s: `{key: value, ..}`.
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    /// Add entries in any order; they replace the values of keys already present.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let appended = self.entries.len();
        self.entries.extend(iter);
        self.normalize(appended);
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        SortedMap::from_entries(iter.into_iter().collect())
    }
}

/// Iterator over a [`SortedMap`]'s entries, in ascending key order.
#[derive(Debug, Clone)]
pub struct Iter<'a, K, V>(core::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = alloc::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// A JSON object read into the map as serde reads a `BTreeMap`: entries in any order, the last
/// of a repeated key wins.
impl<'de, K, V> serde::Deserialize<'de> for SortedMap<K, V>
where
    K: Ord + serde::Deserialize<'de>,
    V: serde::Deserialize<'de>,
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(core::marker::PhantomData<(K, V)>);
        impl<'de, K, V> serde::de::Visitor<'de> for MapVisitor<K, V>
        where
            K: Ord + serde::Deserialize<'de>,
            V: serde::Deserialize<'de>,
        {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = SortedMap::default();
                while let Some((key, value)) = map.next_entry()? {
                    out.insert(key, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(MapVisitor(core::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec;

    /// A small deterministic generator (xorshift), so the cases are the same on every run.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % modulo
            })
            .collect()
    }

    #[test]
    fn sorts_like_the_standard_sort() {
        for n in 0..70 {
            for modulo in [1, 3, 1000, u64::MAX] {
                let mut v = numbers(n as u64 + 1, n, modulo);
                let mut expected = v.clone();
                expected.sort_unstable();
                sort_by(&mut v, |a, b| a < b);
                assert_eq!(v, expected, "n {n} modulo {modulo}");
            }
        }
        let mut big = numbers(7, 5000, 4000);
        let mut expected = big.clone();
        expected.sort_unstable();
        sort_by(&mut big, |a, b| a < b);
        assert_eq!(big, expected);
        // Descending, by a reversed comparator.
        sort_by(&mut big, |a, b| a > b);
        expected.reverse();
        assert_eq!(big, expected);
    }

    #[test]
    fn later_entries_win() {
        let m = SortedMap::from_entries(vec![(3, "a"), (1, "b"), (3, "c"), (2, "d"), (1, "e")]);
        assert_eq!(m.as_slice(), &[(1, "e"), (2, "d"), (3, "c")]);
        let mut m2 = SortedMap::new();
        for (k, v) in [(3, "a"), (1, "b"), (3, "c"), (2, "d"), (1, "e")] {
            m2.insert(k, v);
        }
        assert_eq!(m, m2);
        // Many repeats of few keys: the last value of each key, as a BTreeMap keeps it.
        let keys = numbers(11, 3000, 50);
        let entries: Vec<(u64, usize)> = keys.iter().copied().zip(0..).collect();
        let mut reference = alloc::collections::BTreeMap::new();
        reference.extend(entries.iter().copied());
        let m = SortedMap::from_entries(entries);
        assert!(m.iter().map(|(k, v)| (*k, *v)).eq(reference.into_iter()));
    }

    #[test]
    fn extend_replaces_and_keeps_order() {
        let mut m: SortedMap<String, u64> =
            ["b", "d"].iter().map(|k| (String::from(*k), 1)).collect();
        m.extend([(String::from("e"), 2), (String::from("f"), 2)]);
        m.extend([
            (String::from("d"), 3),
            (String::from("a"), 3),
            (String::from("a"), 4),
        ]);
        let got: Vec<(&str, u64)> = m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(got, [("a", 4), ("b", 1), ("d", 3), ("e", 2), ("f", 2)]);
        assert_eq!(m.get("d"), Some(&3));
        assert!(m.contains_key("f") && !m.contains_key("c"));
        assert_eq!(m.insert(String::from("c"), 5), None);
        assert_eq!(m.insert(String::from("c"), 6), Some(5));
        assert_eq!(m.keys().map(String::as_str).collect::<String>(), "abcdef");
        assert_eq!(
            alloc::format!("{:?}", SortedMap::from_entries(vec![(2, 'x'), (1, 'y')])),
            "{1: 'y', 2: 'x'}"
        );
    }
}
