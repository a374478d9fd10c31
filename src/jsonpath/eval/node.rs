//! What the evaluator passes from step to step: jsonpath-rust's `Data` and `Pointer` without the
//! path strings, over any `Tree`.
//!
//! jsonpath-rust's results depend on more than the nodes: a step gives one node, a list (perhaps
//! empty), a value, or nothing, and `count()`, `==` and the joining of selectors tell these apart.
//! A pointer made for the element a filter is testing (`@`) is "internal" (its path is empty), and
//! a filter applied to it tests `@` itself instead of its children. Both are kept here so that every
//! result is the one jsonpath-rust gives on the equal `serde_json::Value`.

use crate::doc::{Shape, Tree};

/// What a pointer stands for besides its node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A node reached by a path.
    Plain,
    /// `@` inside a filter: the element under test.
    Current,
    /// The list `[node]` that `$[?…]` at the root tests the document as, made without copying it.
    Wrapped,
}

/// A node of the tree.
#[derive(Debug, Clone, Copy)]
pub struct Ptr<N> {
    pub node: N,
    pub kind: Kind,
}

impl<'t, N: Tree<'t>> Ptr<N> {
    #[inline]
    pub fn plain(node: N) -> Self {
        Ptr {
            node,
            kind: Kind::Plain,
        }
    }

    /// The element a filter is testing (its `@`).
    #[inline]
    pub fn current(node: N) -> Self {
        Ptr {
            node,
            kind: Kind::Current,
        }
    }

    /// Whether the node is an array (the wrapped root is the list `[root]`).
    #[inline]
    pub fn is_array(self) -> bool {
        self.kind == Kind::Wrapped || self.node.shape() == Shape::Array
    }

    /// Elements of an array, members of an object, 0 for a scalar.
    #[inline]
    pub fn len(self) -> usize {
        match self.kind {
            Kind::Wrapped => 1,
            _ => self.node.len(),
        }
    }

    /// The elements of an array or the member values of an object; None for a scalar.
    #[inline]
    pub fn children(self) -> Option<impl Iterator<Item = N>> {
        Some(match (self.kind, self.node.shape()) {
            (Kind::Wrapped, _) => Children::One(Some(self.node)),
            (_, Shape::Array) => Children::Elements(self.node.elements()),
            (_, Shape::Object) => Children::Members(self.node.members()),
            _ => return None,
        })
    }

    /// The elements when the node is an array.
    #[inline]
    pub fn elements(self) -> Option<impl Iterator<Item = N>> {
        self.children().filter(|_| self.is_array())
    }

    /// The element at `at` of an array.
    #[inline]
    pub fn nth(self, at: usize) -> Option<Ptr<N>> {
        match self.kind {
            Kind::Wrapped => (at == 0).then_some(self.node),
            // A tree has no element but an array's.
            _ => self.node.element(at),
        }
        .map(Ptr::plain)
    }

    /// The element at `i` of an array, counted from the end when negative.
    #[inline]
    pub fn element(self, i: i64) -> Option<Ptr<N>> {
        let at = if i >= 0 {
            usize::try_from(i).ok()?
        } else {
            self.len()
                .checked_sub(usize::try_from(i.unsigned_abs()).ok()?)?
        };
        self.nth(at)
    }

    /// The member `key` when the node is an object.
    #[inline]
    pub fn get(self, key: &str) -> Option<Ptr<N>> {
        match self.kind {
            Kind::Wrapped => None,
            _ => self.node.member(key).map(Ptr::plain),
        }
    }
}

/// The children of a node, whichever kind of node it is.
enum Children<N, E, M> {
    One(Option<N>),
    Elements(E),
    Members(M),
}

impl<'t, N, E: Iterator<Item = N>, M: Iterator<Item = (&'t str, N)>> Iterator
    for Children<N, E, M>
{
    type Item = N;

    #[inline]
    fn next(&mut self) -> Option<N> {
        match self {
            Children::One(n) => n.take(),
            Children::Elements(e) => e.next(),
            Children::Members(m) => m.next().map(|(_, v)| v),
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Children::One(n) => (usize::from(n.is_some()), Some(usize::from(n.is_some()))),
            Children::Elements(e) => e.size_hint(),
            Children::Members(m) => m.size_hint(),
        }
    }
}

/// The outcome of a step (jsonpath-rust's `Data`): one node, a list of nodes (which may be empty:
/// `count()` tells it from nothing), a filter's verdict on `@`, or nothing.
#[derive(Debug, Clone)]
pub enum Nodes<N> {
    One(Ptr<N>),
    Many(Vec<Ptr<N>>),
    Bool(bool),
    Nothing,
}

impl<N: Copy> Nodes<N> {
    /// Applies `f` to every node: one node gives what `f` gives; a list gives the list of the nodes
    /// `f` gives (verdicts dropped); a verdict or nothing gives nothing.
    #[inline]
    pub fn flat_map(self, mut f: impl FnMut(Ptr<N>) -> Nodes<N>) -> Nodes<N> {
        match self {
            Nodes::One(p) => f(p),
            Nodes::Many(list) => {
                let mut out = Vec::with_capacity(list.len());
                for p in list {
                    match f(p) {
                        Nodes::One(q) => out.push(q),
                        Nodes::Many(more) => out.extend(more),
                        Nodes::Bool(_) | Nodes::Nothing => {}
                    }
                }
                Nodes::Many(out)
            }
            Nodes::Bool(_) | Nodes::Nothing => Nodes::Nothing,
        }
    }

    /// Joins the outcomes of two selectors of one segment; a verdict on either side gives nothing.
    pub fn join(self, other: Nodes<N>) -> Nodes<N> {
        match (self, other) {
            (Nodes::One(a), Nodes::One(b)) => Nodes::Many(vec![a, b]),
            (Nodes::One(a), Nodes::Many(mut list)) => {
                list.insert(0, a);
                Nodes::Many(list)
            }
            (Nodes::Many(mut list), Nodes::One(b)) => {
                list.push(b);
                Nodes::Many(list)
            }
            (Nodes::Many(mut list), Nodes::Many(more)) => {
                list.extend(more);
                Nodes::Many(list)
            }
            (d @ (Nodes::One(_) | Nodes::Many(_)), Nodes::Nothing)
            | (Nodes::Nothing, d @ (Nodes::One(_) | Nodes::Many(_))) => d,
            _ => Nodes::Nothing,
        }
    }

    /// Whether the outcome names at least one node (an existence test).
    pub fn exists(&self) -> bool {
        match self {
            Nodes::One(_) => true,
            Nodes::Many(list) => !list.is_empty(),
            Nodes::Bool(_) | Nodes::Nothing => false,
        }
    }
}
