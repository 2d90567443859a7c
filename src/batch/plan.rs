//! Cutting work into batches: sort by length, then fill each batch up to a
//! token budget (a padded batch costs its longest quote times its size) and
//! a count, keeping every item's original index so results go back in input
//! order.

/// Limits of one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Most quotes in one batch.
    pub max_items: usize,
    /// Most padded tokens (longest length x count) in one batch.
    pub max_tokens: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_items: 32,
            max_tokens: 32 * 64,
        }
    }
}

/// Groups item indices into batches of similar length.
///
/// `lengths[i]` is the token length of item `i`. Returns batches of
/// indices; every index appears exactly once. Items are sorted by length
/// (ties keep input order), so each batch pads little. A single item longer
/// than the budget gets a batch of its own.
pub fn plan(lengths: &[usize], limits: BatchLimits) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);
    let max_items = limits.max_items.max(1);
    let mut batches = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in order {
        // Sorted ascending, so this item is the longest of the batch.
        let cost = lengths[i] * (current.len() + 1);
        if !current.is_empty() && (current.len() >= max_items || cost > limits.max_tokens) {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_once_and_budget_kept() {
        let lengths = [5, 40, 7, 7, 100, 3, 12, 12, 12, 60];
        let limits = BatchLimits {
            max_items: 3,
            max_tokens: 64,
        };
        let batches = plan(&lengths, limits);
        let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
        for b in &batches {
            assert!(b.len() <= 3);
            let longest = b.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(longest * b.len() <= 64 || b.len() == 1, "{b:?}");
        }
        // The 100-token item exceeds the budget alone and is alone.
        assert!(batches.iter().any(|b| b == &vec![4]));
    }

    #[test]
    fn empty_input_gives_no_batches() {
        assert!(plan(&[], BatchLimits::default()).is_empty());
    }
}
