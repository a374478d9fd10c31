//! The evaluator over any `Tree` (a `Doc`, or a decoder's view of a message): it walks
//! jsonpath-rust's syntax tree with jsonpath-rust's meaning (see `node` for the values passed from
//! step to step), without path strings or copies of the document.
//!
//! Segments hold filters, filters hold queries and functions, functions take filters: the recursion
//! goes through `Cx`, so each file only imports the ones below it.

mod filter;
mod function;
mod node;
mod segment;
mod view;

use jsonpath_rust::parser::model::{Filter, Segment, TestFunction};

use crate::doc::Tree;
pub use function::{Pattern, patterns};
pub use node::{Kind, Nodes, Ptr};
pub use segment::any;

use filter::Operand;

/// What every step of an evaluation needs: the root `$` and the patterns compiled at parse time
/// (`'q` borrows the path, `N` is the tree's node).
pub struct Cx<'q, N> {
    pub root: Ptr<N>,
    pub patterns: &'q [Pattern],
}

impl<'q, 't, N: Tree<'t>> Cx<'q, N> {
    /// Applies `segs` in turn to `at`.
    pub fn segments(&self, segs: &'q [Segment], at: Nodes<N>) -> Nodes<N> {
        segment::segments(self, segs, at)
    }

    /// Whether `item` (the filter's `@`) passes the filter.
    pub fn test(&self, filter: &'q Filter, item: Ptr<N>) -> bool {
        filter::logical(self, filter, item)
    }

    /// A function's outcome for the filter's `@`.
    fn function(&self, f: &'q TestFunction, item: Ptr<N>) -> Operand<'q, N> {
        function::function(self, f, item)
    }
}
