//! `--decode`, `--encode`, `--proto` and `--message-type` to a decoder or an encoding, checked (and
//! the schema compiled) before the network is touched.

use std::path::Path;

use crate::decode::{Choice, Decoder, Encoding, Format, Schema};
use crate::exit::Failure;

/// The protobuf schema, when `--proto` and `--message-type` are given (together, or neither).
/// `used` says whether the chosen format can use one (`flag` names that format's option).
fn schema(
    proto: Option<&Path>,
    message_type: Option<&str>,
    used: bool,
    flag: &str,
) -> Result<Option<Schema>, Failure> {
    match (proto, message_type) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(Failure::usage(
            "Error: --proto needs --message-type to name the message (pkg.Type).\n",
        )),
        (None, Some(_)) => Err(Failure::usage(
            "Error: --message-type needs --proto (a .proto file or a descriptor set).\n",
        )),
        (Some(_), Some(_)) if !used => Err(Failure::usage(format!(
            "Error: --proto and --message-type are used only with {flag} protobuf.\n"
        ))),
        (Some(file), Some(name)) => Schema::load(file, name)
            .map(Some)
            .map_err(|e| Failure::usage(format!("Error: {e}\n"))),
    }
}

/// `sub --decode`: `None` without it.
pub fn decoder(
    decode: Option<&str>,
    proto: Option<&Path>,
    message_type: Option<&str>,
) -> Result<Option<Decoder>, Failure> {
    let choice = match decode {
        None => None,
        Some("auto") => Some(Choice::Auto),
        Some(name) => Format::from_name(name).map(Choice::Fixed),
    };
    let uses_schema = matches!(choice, Some(Choice::Auto | Choice::Fixed(Format::Protobuf)));
    let schema = schema(
        proto,
        message_type,
        uses_schema,
        "--decode auto or --decode",
    )?;
    if choice == Some(Choice::Fixed(Format::Protobuf)) && schema.is_none() {
        return Err(Failure::usage(
            "Error: --decode protobuf needs --proto FILE and --message-type pkg.Type.\n",
        ));
    }
    Ok(choice.map(|c| Decoder::new(c, schema)))
}

/// `pub --encode`: `None` without it.
pub fn encoding(
    encode: Option<&str>,
    proto: Option<&Path>,
    message_type: Option<&str>,
) -> Result<Option<Encoding>, Failure> {
    let format = encode.and_then(Format::from_name);
    let schema = schema(
        proto,
        message_type,
        format == Some(Format::Protobuf),
        "--encode",
    )?;
    if format == Some(Format::Protobuf) && schema.is_none() {
        return Err(Failure::usage(
            "Error: --encode protobuf needs --proto FILE and --message-type pkg.Type.\n",
        ));
    }
    Ok(format.map(|format| Encoding { format, schema }))
}
