//! The Sparkplug B payload schema (Eclipse Sparkplug 3.0, `org.eclipse.tahu.protobuf.Payload`) as
//! prost messages: prost does the decoding and encoding (with its recursion limit and length
//! checks); these types only name the fields and their tags. Typed messages rather than a compiled
//! .proto because every message is decoded and this is several times faster than reflection.

use bytes::Bytes;

/// One scalar value of a oneof, whichever message it is in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    Int(u32),
    Long(u64),
    Float(f32),
    Double(f64),
    Boolean(bool),
    String(&'a str),
}

/// A oneof with the six scalar kinds at the given tags (each message numbers them differently),
/// then any other variants, and its [`Scalar`] view.
macro_rules! scalar_oneof {
    ($(#[$meta:meta])* $name:ident [$int:tt, $long:tt, $float:tt, $double:tt, $boolean:tt, $string:tt] { $($extra:tt)* }) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, prost::Oneof)]
        pub enum $name {
            #[prost(uint32, tag = $int)]
            Int(u32),
            #[prost(uint64, tag = $long)]
            Long(u64),
            #[prost(float, tag = $float)]
            Float(f32),
            #[prost(double, tag = $double)]
            Double(f64),
            #[prost(bool, tag = $boolean)]
            Boolean(bool),
            #[prost(string, tag = $string)]
            String(String),
            $($extra)*
        }

        impl $name {
            /// The value when it is one of the six scalars.
            pub fn scalar(&self) -> Option<Scalar<'_>> {
                #[allow(unreachable_patterns)]
                match self {
                    $name::Int(i) => Some(Scalar::Int(*i)),
                    $name::Long(l) => Some(Scalar::Long(*l)),
                    $name::Float(f) => Some(Scalar::Float(*f)),
                    $name::Double(d) => Some(Scalar::Double(*d)),
                    $name::Boolean(b) => Some(Scalar::Boolean(*b)),
                    $name::String(s) => Some(Scalar::String(s)),
                    _ => None,
                }
            }
        }
    };
}

/// A Sparkplug B payload.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Payload {
    #[prost(uint64, optional, tag = "1")]
    pub timestamp: Option<u64>,
    #[prost(message, repeated, tag = "2")]
    pub metrics: Vec<Metric>,
    #[prost(uint64, optional, tag = "3")]
    pub seq: Option<u64>,
    #[prost(string, optional, tag = "4")]
    pub uuid: Option<String>,
    #[prost(bytes = "bytes", optional, tag = "5")]
    pub body: Option<Bytes>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Metric {
    /// Text on the wire, kept as bytes: read from a `Bytes` payload it is a view of it, not a
    /// copy, and the decoder checks that it is UTF-8 where it uses it.
    #[prost(bytes = "bytes", optional, tag = "1")]
    pub name: Option<Bytes>,
    #[prost(uint64, optional, tag = "2")]
    pub alias: Option<u64>,
    #[prost(uint64, optional, tag = "3")]
    pub timestamp: Option<u64>,
    #[prost(uint32, optional, tag = "4")]
    pub datatype: Option<u32>,
    #[prost(bool, optional, tag = "5")]
    pub is_historical: Option<bool>,
    #[prost(bool, optional, tag = "6")]
    pub is_transient: Option<bool>,
    #[prost(bool, optional, tag = "7")]
    pub is_null: Option<bool>,
    #[prost(message, optional, boxed, tag = "8")]
    pub metadata: Option<Box<MetaData>>,
    #[prost(message, optional, boxed, tag = "9")]
    pub properties: Option<Box<PropertySet>>,
    #[prost(oneof = "MetricValue", tags = "10, 11, 12, 13, 14, 15, 16, 17, 18")]
    pub value: Option<MetricValue>,
}

scalar_oneof!(MetricValue ["10", "11", "12", "13", "14", "15"] {
    /// A copy, not a view: a `Bytes` would make every metric 8 bytes larger (136), too large
    /// for the compiler to move in place (a libc call per metric read), and byte values are rare.
    #[prost(bytes = "vec", tag = "16")]
    Bytes(Vec<u8>),
    #[prost(message, boxed, tag = "17")]
    DataSet(Box<DataSet>),
    #[prost(message, boxed, tag = "18")]
    Template(Box<Template>),
});

#[derive(Clone, PartialEq, prost::Message)]
pub struct MetaData {
    #[prost(bool, optional, tag = "1")]
    pub is_multi_part: Option<bool>,
    #[prost(string, optional, tag = "2")]
    pub content_type: Option<String>,
    #[prost(uint64, optional, tag = "3")]
    pub size: Option<u64>,
    #[prost(uint64, optional, tag = "4")]
    pub seq: Option<u64>,
    #[prost(string, optional, tag = "5")]
    pub file_name: Option<String>,
    #[prost(string, optional, tag = "6")]
    pub file_type: Option<String>,
    #[prost(string, optional, tag = "7")]
    pub md5: Option<String>,
    #[prost(string, optional, tag = "8")]
    pub description: Option<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PropertySet {
    #[prost(string, repeated, tag = "1")]
    pub keys: Vec<String>,
    #[prost(message, repeated, tag = "2")]
    pub values: Vec<PropertyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PropertySetList {
    #[prost(message, repeated, tag = "1")]
    pub propertyset: Vec<PropertySet>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct PropertyValue {
    #[prost(uint32, optional, tag = "1")]
    pub r#type: Option<u32>,
    #[prost(bool, optional, tag = "2")]
    pub is_null: Option<bool>,
    #[prost(oneof = "PropertyValueKind", tags = "3, 4, 5, 6, 7, 8, 9, 10")]
    pub value: Option<PropertyValueKind>,
}

scalar_oneof!(PropertyValueKind ["3", "4", "5", "6", "7", "8"] {
    #[prost(message, tag = "9")]
    PropertySet(PropertySet),
    #[prost(message, tag = "10")]
    PropertySetList(PropertySetList),
});

#[derive(Clone, PartialEq, prost::Message)]
pub struct DataSet {
    #[prost(uint64, optional, tag = "1")]
    pub num_of_columns: Option<u64>,
    #[prost(string, repeated, tag = "2")]
    pub columns: Vec<String>,
    #[prost(uint32, repeated, packed = "false", tag = "3")]
    pub types: Vec<u32>,
    #[prost(message, repeated, tag = "4")]
    pub rows: Vec<Row>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Row {
    #[prost(message, repeated, tag = "1")]
    pub elements: Vec<DataSetValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct DataSetValue {
    #[prost(oneof = "Plain", tags = "1, 2, 3, 4, 5, 6")]
    pub value: Option<Plain>,
}

scalar_oneof!(
    /// The value of a data set cell.
    Plain ["1", "2", "3", "4", "5", "6"] {});

#[derive(Clone, PartialEq, prost::Message)]
pub struct Template {
    #[prost(string, optional, tag = "1")]
    pub version: Option<String>,
    #[prost(message, repeated, tag = "2")]
    pub metrics: Vec<Metric>,
    #[prost(message, repeated, tag = "3")]
    pub parameters: Vec<Parameter>,
    #[prost(string, optional, tag = "4")]
    pub template_ref: Option<String>,
    #[prost(bool, optional, tag = "5")]
    pub is_definition: Option<bool>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Parameter {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(uint32, optional, tag = "2")]
    pub r#type: Option<u32>,
    #[prost(oneof = "ParameterValue", tags = "3, 4, 5, 6, 7, 8")]
    pub value: Option<ParameterValue>,
}

scalar_oneof!(ParameterValue ["3", "4", "5", "6", "7", "8"] {});

/// The data type names, by their Sparkplug B number (the index).
pub const DATA_TYPES: [&str; 35] = [
    "Unknown",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "Float",
    "Double",
    "Boolean",
    "String",
    "DateTime",
    "Text",
    "UUID",
    "DataSet",
    "Bytes",
    "File",
    "Template",
    "PropertySet",
    "PropertySetList",
    "Int8Array",
    "Int16Array",
    "Int32Array",
    "Int64Array",
    "UInt8Array",
    "UInt16Array",
    "UInt32Array",
    "UInt64Array",
    "FloatArray",
    "DoubleArray",
    "BooleanArray",
    "StringArray",
    "DateTimeArray",
];
