//! The evaluator over `Doc`: it walks jsonpath-rust's syntax tree with jsonpath-rust's meaning (see
//! `node` for the values passed from step to step), without path strings or copies of the document.
//!
//! Segments hold filters, filters hold queries and functions, functions take filters: the recursion
//! goes through `Cx`, so each file only imports the ones below it.

mod filter;
mod function;
mod node;
mod segment;

use jsonpath_rust::parser::model::{Filter, Segment, TestFunction};

pub use function::{Pattern, patterns};
pub use node::{Kind, Nodes, Ptr};
pub use segment::any;

use filter::Operand;

/// What every step of an evaluation needs: the root `$` and the patterns compiled at parse time.
pub struct Cx<'c, 'd, 'a> {
    pub root: Ptr<'d, 'a>,
    pub patterns: &'c [Pattern],
}

impl<'d, 'a> Cx<'_, 'd, 'a> {
    /// Applies `segs` in turn to `at`.
    pub fn segments(&self, segs: &[Segment], at: Nodes<'d, 'a>) -> Nodes<'d, 'a> {
        segment::segments(self, segs, at)
    }

    /// Whether `item` (the filter's `@`) passes the filter.
    pub fn test(&self, filter: &Filter, item: Ptr<'d, 'a>) -> bool {
        filter::logical(self, filter, item)
    }

    /// A function's outcome for the filter's `@`.
    fn function(&self, f: &'d TestFunction, item: Ptr<'d, 'a>) -> Operand<'d, 'a> {
        function::function(self, f, item)
    }
}
