//! Writing any `Tree` as JSON text, with the pieces `Doc`'s writer uses (so a view and the equal
//! document print the same bytes): a decoder's view is printed without being built into a `Doc`.

use super::string::string;
use super::{member_key, newline, number};
use crate::doc::{Shape, Tree};

/// Appends `node` as JSON text (`pretty`: as `serde_json::to_writer_pretty`).
pub fn write_tree<'t>(node: impl Tree<'t>, out: &mut Vec<u8>, pretty: bool) {
    if pretty {
        value::<true>(out, node, 0);
    } else {
        value::<false>(out, node, 0);
    }
}

fn value<'t, const PRETTY: bool>(out: &mut Vec<u8>, node: impl Tree<'t>, level: usize) {
    match node.shape() {
        Shape::Null => out.extend_from_slice(b"null"),
        Shape::Bool(true) => out.extend_from_slice(b"true"),
        Shape::Bool(false) => out.extend_from_slice(b"false"),
        Shape::Number(n) => number(out, &n),
        Shape::String(s) => string(out, b"\"", s, b"\""),
        Shape::Array => {
            let mut lead = b'[';
            for item in node.elements() {
                out.push(lead);
                newline::<PRETTY>(out, level + 1);
                value::<PRETTY>(out, item, level + 1);
                lead = b',';
            }
            close::<PRETTY>(out, lead, b"[]", level, b']');
        }
        Shape::Object => {
            let mut lead = b'{';
            for (key, member) in node.members() {
                member_key::<PRETTY>(out, lead, key, level);
                value::<PRETTY>(out, member, level + 1);
                lead = b',';
            }
            close::<PRETTY>(out, lead, b"{}", level, b'}');
        }
    }
}

/// Ends an array or object: `empty` when nothing was written (`lead` is still the opening).
fn close<const PRETTY: bool>(out: &mut Vec<u8>, lead: u8, empty: &[u8], level: usize, end: u8) {
    if lead == empty[0] {
        out.extend_from_slice(empty);
    } else {
        newline::<PRETTY>(out, level);
        out.push(end);
    }
}
