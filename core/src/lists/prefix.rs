//! Prefix matching over an FST whose keys are digit patterns, where `#` stands for any
//! digit (the notation of the French operator range lists).
//!
//! A pattern matches a number when it matches the number's first digits. The walk follows
//! the number's digit and, at each node, the `#` edge too; it explores at most one path
//! per distinct pattern shape, so its cost is bounded by the key length times the number
//! of `#` positions present in the index.

use fst::raw::{Fst, Output};

/// The longest pattern that matches `key`, with its output and its text.
pub(crate) struct PrefixMatch {
    pub pattern: String,
    pub value: u64,
}

/// Finds the longest matching pattern; on equal length the larger output value wins,
/// which by the packing of [`EntryMeta`](super::EntryMeta) means the stronger action.
pub(crate) fn longest_match<D: AsRef<[u8]>>(fst: &Fst<D>, key: &[u8]) -> Option<PrefixMatch> {
    struct Frame {
        addr: fst::raw::CompiledAddr,
        depth: usize,
        out: Output,
        path: Vec<u8>,
    }
    let mut best: Option<(usize, u64, Vec<u8>)> = None;
    let mut stack = vec![Frame {
        addr: fst.root().addr(),
        depth: 0,
        out: Output::zero(),
        path: Vec::new(),
    }];
    while let Some(frame) = stack.pop() {
        let node = fst.node(frame.addr);
        if node.is_final() && frame.depth > 0 {
            let value = frame.out.cat(node.final_output()).value();
            let better = match &best {
                None => true,
                Some((len, old, _)) => frame.depth > *len || (frame.depth == *len && value > *old),
            };
            if better {
                best = Some((frame.depth, value, frame.path.clone()));
            }
        }
        let Some(&digit) = key.get(frame.depth) else {
            continue;
        };
        for byte in [digit, b'#'] {
            if let Some(index) = node.find_input(byte) {
                let transition = node.transition(index);
                let mut path = frame.path.clone();
                path.push(byte);
                stack.push(Frame {
                    addr: transition.addr,
                    depth: frame.depth + 1,
                    out: frame.out.cat(transition.out),
                    path,
                });
            }
        }
    }
    best.map(|(_, value, path)| PrefixMatch {
        pattern: String::from_utf8_lossy(&path).into_owned(),
        value,
    })
}
