//! Codec tests for the cty value layer: byte-exact vectors from the Go implementations
//! (go-cty / terraform-plugin-go test expectations), round trips of every kind, error paths,
//! and a bounded fuzz loop proving that arbitrary input never panics.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on unexpected values

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use tfplugin::framework::json::{decode_json, encode_json};
use tfplugin::framework::msgpack::{decode, encode};
use tfplugin::framework::type_json::{type_from_json_bytes, type_to_json_bytes};
use tfplugin::framework::value::{
    AttributePath, CodecError, MAX_DEPTH, Number, Refinements, Type, Value,
};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn num(s: &str) -> Number {
    s.parse().unwrap()
}

fn s(x: &str) -> Value {
    Value::string(x)
}

fn dynamic(ty: Type, v: Value) -> Value {
    Value::dynamic(ty, v)
}

fn refined(r: Refinements) -> Value {
    Value::Unknown(r)
}

/// Encode must give exactly `hex`, and decoding `hex` must give back `value`.
fn check_vector(name: &str, value: &Value, ty: &Type, want_hex: &str) {
    let got = encode(value, ty).unwrap_or_else(|e| panic!("{name}: encode failed: {e}"));
    assert_eq!(
        hex(&got),
        want_hex,
        "{name}: encoding differs from Go's bytes"
    );
    let back =
        decode(&unhex(want_hex), ty).unwrap_or_else(|e| panic!("{name}: decode failed: {e}"));
    assert_eq!(&back, value, "{name}: decoded value differs");
}

fn long_prefix_input(suffix: &str) -> String {
    let mut p = String::from("prefix://");
    for _ in 0..23 {
        p.push_str("0123456789-");
    }
    p.push_str(suffix);
    p
}

#[test]
fn go_byte_vectors() {
    let greeting = |v: Value| Value::object([("greeting", v)]);
    let greeting_ty = |t: Type| Type::object([("greeting", t)]);
    let cases: Vec<(&str, Value, Type, &str)> = vec![
        ("hello-string", s("hello"), Type::String, "a568656c6c6f"),
        ("empty-string", s(""), Type::String, "a0"),
        ("null-string", Value::Null, Type::String, "c0"),
        ("unknown-string", Value::unknown(), Type::String, "d40000"),
        ("true-bool", Value::bool(true), Type::Bool, "c3"),
        ("false-bool", Value::bool(false), Type::Bool, "c2"),
        ("unknown-bool", Value::unknown(), Type::Bool, "d40000"),
        ("int-number", Value::number(1), Type::Number, "01"),
        (
            "int64-max",
            Value::number(i64::MAX),
            Type::Number,
            "cf7fffffffffffffff",
        ),
        (
            "int64-min",
            Value::number(i64::MIN),
            Type::Number,
            "d38000000000000000",
        ),
        (
            "uint64-max",
            Value::number(u64::MAX),
            Type::Number,
            "b43138343436373434303733373039353531363135",
        ),
        (
            "float-number",
            Value::number(num("1.5")),
            Type::Number,
            "cb3ff8000000000000",
        ),
        (
            "smallest-subnormal",
            Value::Number(Number::from_f64(f64::from_bits(1)).unwrap()),
            Type::Number,
            "cb0000000000000001",
        ),
        (
            "big-number",
            Value::number(num(&"9".repeat(100))),
            Type::Number,
            &*Box::leak(format!("d964{}", "39".repeat(100)).into_boxed_str()),
        ),
        (
            "awkward-fraction",
            Value::number(num("0.8")),
            Type::Number,
            "a3302e38",
        ),
        (
            "dynamic-bool",
            dynamic(Type::Bool, Value::bool(true)),
            Type::Dynamic,
            "92c40622626f6f6c22c3",
        ),
        (
            "dynamic-list",
            dynamic(Type::list(Type::String), Value::list([s("hello")])),
            Type::Dynamic,
            "92c4115b226c697374222c22737472696e67225d91a568656c6c6f",
        ),
        (
            "dynamic-map",
            dynamic(Type::map(Type::String), Value::map([("hello", s("hello"))])),
            Type::Dynamic,
            "92c4105b226d6170222c22737472696e67225d81a568656c6c6fa568656c6c6f",
        ),
        (
            "dynamic-number",
            dynamic(Type::Number, Value::number(1)),
            Type::Dynamic,
            "92c408226e756d6265722201",
        ),
        (
            "dynamic-set",
            dynamic(Type::set(Type::String), Value::set([s("hello")])),
            Type::Dynamic,
            "92c4105b22736574222c22737472696e67225d91a568656c6c6f",
        ),
        (
            "dynamic-string",
            dynamic(Type::String, s("hello")),
            Type::Dynamic,
            "92c40822737472696e6722a568656c6c6f",
        ),
        (
            "object-dynamic",
            greeting(dynamic(Type::String, s("hello"))),
            greeting_ty(Type::Dynamic),
            "81a86772656574696e6792c40822737472696e6722a568656c6c6f",
        ),
        (
            "list-dynamic",
            Value::list([dynamic(Type::String, s("hello"))]),
            Type::list(Type::Dynamic),
            "9192c40822737472696e6722a568656c6c6f",
        ),
        (
            "list-string-hello",
            Value::list([s("hello")]),
            Type::list(Type::String),
            "91a568656c6c6f",
        ),
        (
            "list-string-unknown",
            Value::list([Value::unknown()]),
            Type::list(Type::String),
            "91d40000",
        ),
        (
            "list-string-null-string",
            Value::list([Value::Null]),
            Type::list(Type::String),
            "91c0",
        ),
        (
            "list-string-null",
            Value::Null,
            Type::list(Type::String),
            "c0",
        ),
        (
            "list-string-empty",
            Value::list([]),
            Type::list(Type::String),
            "90",
        ),
        (
            "set-string-hello",
            Value::set([s("hello")]),
            Type::set(Type::String),
            "91a568656c6c6f",
        ),
        (
            "set-string-empty",
            Value::set([]),
            Type::set(Type::String),
            "90",
        ),
        (
            "map-dynamic",
            Value::map([("greeting", dynamic(Type::String, s("hello")))]),
            Type::map(Type::Dynamic),
            "81a86772656574696e6792c40822737472696e6722a568656c6c6f",
        ),
        (
            "map-string-hello",
            Value::map([("greeting", s("hello"))]),
            Type::map(Type::String),
            "81a86772656574696e67a568656c6c6f",
        ),
        (
            "map-string-unknown",
            Value::map([("greeting", Value::unknown())]),
            Type::map(Type::String),
            "81a86772656574696e67d40000",
        ),
        (
            "map-string-empty",
            Value::map::<String>([]),
            Type::map(Type::String),
            "80",
        ),
        (
            "tuple-dynamic",
            Value::tuple([
                dynamic(Type::String, s("hello")),
                dynamic(Type::String, s("world")),
            ]),
            Type::tuple([Type::Dynamic, Type::Dynamic]),
            "9292c40822737472696e6722a568656c6c6f92c40822737472696e6722a5776f726c64",
        ),
        (
            "tuple-string-null",
            Value::tuple([Value::Null]),
            Type::tuple([Type::String]),
            "91c0",
        ),
        ("tuple-empty", Value::tuple([]), Type::tuple([]), "90"),
        (
            "object-string-hello",
            greeting(s("hello")),
            greeting_ty(Type::String),
            "81a86772656574696e67a568656c6c6f",
        ),
        (
            "object-string-multi-null",
            Value::object([("a", Value::Null), ("b", Value::Null)]),
            Type::object([("a", Type::String), ("b", Type::String)]),
            "82a161c0a162c0",
        ),
        (
            "object-string-multi-unknown",
            Value::object([("a", Value::unknown()), ("b", Value::unknown())]),
            Type::object([("a", Type::String), ("b", Type::String)]),
            "82a161d40000a162d40000",
        ),
        (
            "object-empty",
            Value::object::<String>([]),
            Type::object::<String>([]),
            "80",
        ),
        (
            "string-dynamic-null",
            dynamic(Type::String, Value::Null),
            Type::Dynamic,
            "92c40822737472696e6722c0",
        ),
        ("dynamic-null", Value::Null, Type::Dynamic, "c0"),
        (
            "object-dynamic-null",
            Value::object([("a", Value::Null)]),
            Type::object([("a", Type::Dynamic)]),
            "81a161c0",
        ),
        ("dynamic-unknown", Value::unknown(), Type::Dynamic, "d40000"),
        (
            "dynamic-list-unknown",
            Value::list([Value::unknown()]),
            Type::list(Type::Dynamic),
            "91d40000",
        ),
        (
            "unknown-bool-not-null",
            refined(Refinements::not_null()),
            Type::Bool,
            "c7030c8101c2",
        ),
        (
            "unknown-number-not-null",
            refined(Refinements::not_null()),
            Type::Number,
            "c7030c8101c2",
        ),
        (
            "unknown-string-not-null",
            refined(Refinements::not_null()),
            Type::String,
            "c7030c8101c2",
        ),
        (
            "unknown-list-not-null",
            refined(Refinements::not_null()),
            Type::list(Type::String),
            "c7030c8101c2",
        ),
        (
            "unknown-object-not-null",
            refined(Refinements::not_null()),
            Type::object([("attr", Type::String)]),
            "c7030c8101c2",
        ),
        (
            "unknown-string-prefix",
            refined(Refinements {
                not_null: Some(true),
                string_prefix: Some("prefix://".into()),
                ..Refinements::default()
            }),
            Type::String,
            "c70e0c8201c202a97072656669783a2f2f",
        ),
        (
            "unknown-number-bounds-inclusive",
            refined(Refinements {
                not_null: Some(true),
                number_lower: Some((Number::from(1), true)),
                number_upper: Some((Number::from(5), true)),
                ..Refinements::default()
            }),
            Type::Number,
            "c70b0c8301c2039201c3049205c3",
        ),
        (
            "unknown-number-bounds-exclusive",
            refined(Refinements {
                not_null: Some(true),
                number_lower: Some((Number::from(1), false)),
                number_upper: Some((Number::from(5), false)),
                ..Refinements::default()
            }),
            Type::Number,
            "c70b0c8301c2039201c2049205c2",
        ),
        (
            "unknown-number-float-bounds",
            refined(Refinements {
                not_null: Some(true),
                number_lower: Some((Number::from_f64(1.23).unwrap(), true)),
                number_upper: Some((Number::from_f64(5.67).unwrap(), true)),
                ..Refinements::default()
            }),
            Type::Number,
            "c71b0c8301c20392cb3ff3ae147ae147aec30492cb4016ae147ae147aec3",
        ),
        (
            "unknown-list-length-bounds",
            refined(Refinements {
                not_null: Some(true),
                length_lower: Some(1),
                length_upper: Some(5),
                ..Refinements::default()
            }),
            Type::list(Type::String),
            "c7070c8301c205010605",
        ),
        (
            "unknown-set-length-bounds",
            refined(Refinements {
                not_null: Some(true),
                length_lower: Some(2),
                length_upper: Some(6),
                ..Refinements::default()
            }),
            Type::set(Type::Bool),
            "c7070c8301c205020606",
        ),
    ];
    for (name, value, ty, want) in &cases {
        check_vector(name, value, ty, want);
    }
}

#[test]
fn go_encoder_choices_for_edge_values() {
    // A value with no refinements that apply to its type is sent as the plain unknown.
    let prefix_on_bool = refined(Refinements {
        string_prefix: Some("ignored".into()),
        ..Refinements::default()
    });
    assert_eq!(
        hex(&encode(&prefix_on_bool, &Type::Bool).unwrap()),
        "d40000"
    );
    // Dynamic unknowns never carry refinements.
    assert_eq!(
        hex(&encode(&refined(Refinements::not_null()), &Type::Dynamic).unwrap()),
        "d40000"
    );
    // An empty prefix is no refinement.
    let empty_prefix = refined(Refinements {
        not_null: Some(true),
        string_prefix: Some(String::new()),
        ..Refinements::default()
    });
    assert_eq!(
        hex(&encode(&empty_prefix, &Type::String).unwrap()),
        "c7030c8101c2"
    );
    // Long prefixes are cut to 255 bytes (terraform-plugin-go's expected bytes).
    let long_hex = "c801050c8201c202d9ff7072656669783a2f2f303132333435363738392d303132333435363738392d303132333435363738392d30313\
2333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d30313\
2333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d30313\
2333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d303132333435363738392d30313\
2333435363738392d30313233";
    for suffix in ["thiswillbecutoff1", "0123456789-thiswillbecutoff2"] {
        let v = refined(Refinements {
            not_null: Some(true),
            string_prefix: Some(long_prefix_input(suffix)),
            ..Refinements::default()
        });
        assert_eq!(hex(&encode(&v, &Type::String).unwrap()), long_hex);
    }
    // go-cty writes integers that do not fit int64 but are exact float64 as float64.
    assert_eq!(
        hex(&encode(&Value::number(1u64 << 63), &Type::Number).unwrap()),
        "cb43e0000000000000"
    );
    assert_eq!(
        hex(&encode(
            &Value::Number(Number::from_f64(f64::MAX).unwrap()),
            &Type::Number
        )
        .unwrap()),
        "cb7fefffffffffffff"
    );
    // A zero lower length bound carries no information and is not sent (go-cty).
    let map_bounds = refined(Refinements {
        not_null: Some(true),
        length_lower: Some(0),
        length_upper: Some(4),
        ..Refinements::default()
    });
    assert_eq!(
        hex(&encode(&map_bounds, &Type::map(Type::Number)).unwrap()),
        "c7050c8201c20604"
    );
    // Refinement payloads stay within Terraform's 1 KiB limit: oversize bounds are left out.
    let huge_bounds = refined(Refinements {
        not_null: Some(true),
        number_lower: Some((num("-1e600"), true)),
        number_upper: Some((num("1e601"), true)),
        ..Refinements::default()
    });
    let bytes = encode(&huge_bounds, &Type::Number).unwrap();
    assert!(bytes.len() < 1024 + 5);
    let back = decode(&bytes, &Type::Number).unwrap();
    let r = back.refinements().unwrap();
    assert_eq!(r.not_null, Some(true));
    assert_eq!(r.number_lower, Some((num("-1e600"), true)));
    assert_eq!(r.number_upper, None);
    // Inferred dynamic types give the same bytes as explicit ones.
    assert_eq!(
        hex(&encode(&Value::bool(true), &Type::Dynamic).unwrap()),
        "92c40622626f6f6c22c3"
    );
    assert_eq!(
        hex(&encode(&Value::list([s("hello")]), &Type::Dynamic).unwrap()),
        "92c4115b226c697374222c22737472696e67225d91a568656c6c6f"
    );
}

#[test]
fn decodes_other_go_encodings() {
    // terraform-plugin-go sends big integers as strings; go-cty as floats: both decode exactly.
    let max_float_str = "da0135313739373639333133343836323331353730303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030303030";
    // (Go prints the shortest decimal that round-trips, so the string is not the exact float.)
    assert_eq!(
        decode(&unhex(max_float_str), &Type::Number).unwrap(),
        Value::number(num("17976931348623157e292"))
    );
    let want = Value::Number(Number::from_f64(f64::MAX).unwrap());
    assert_eq!(
        decode(&unhex("cb7fefffffffffffff"), &Type::Number).unwrap(),
        want
    );
    assert_eq!(
        decode(
            &unhex("b339323233333732303336383534373735383038"),
            &Type::Number
        )
        .unwrap(),
        Value::number(1u64 << 63)
    );
    // Every integer width.
    for (h, v) in [
        ("cc80", 128i64),
        ("cd0100", 256),
        ("ce00010000", 65536),
        ("d0df", -33),
        ("d1ff00", -256),
        ("d2ffff0000", -65536),
        ("cf0000000000000005", 5),
        ("e0", -32),
    ] {
        assert_eq!(
            decode(&unhex(h), &Type::Number).unwrap(),
            Value::number(v),
            "{h}"
        );
    }
    assert_eq!(
        decode(&unhex("cfffffffffffffffff"), &Type::Number).unwrap(),
        Value::number(u64::MAX)
    );
    assert_eq!(
        decode(&unhex("ca3fc00000"), &Type::Number).unwrap(),
        Value::number(num("1.5"))
    );
    // Decimal strings with exponents.
    let mut b = vec![0xa5];
    b.extend_from_slice(b"1e400");
    assert_eq!(
        decode(&b, &Type::Number).unwrap(),
        Value::number(num(&format!("1{}", "0".repeat(400))))
    );
    // The map vector with a zero lower bound decodes without it (a zero bound says nothing).
    let v = decode(&unhex("c7070c8301c205000604"), &Type::map(Type::Number)).unwrap();
    assert_eq!(
        v,
        refined(Refinements {
            not_null: Some(true),
            length_upper: Some(4),
            ..Refinements::default()
        })
    );
    // Strings may arrive as bin; type JSON in a dynamic value may arrive as str.
    assert_eq!(decode(&unhex("c4026869"), &Type::String).unwrap(), s("hi"));
    assert_eq!(
        decode(&unhex("92a622626f6f6c22c3"), &Type::Dynamic).unwrap(),
        dynamic(Type::Bool, Value::bool(true))
    );
    // Any one-byte (or empty) extension is a wholly unknown value.
    assert_eq!(
        decode(&unhex("d40500"), &Type::String).unwrap(),
        Value::unknown()
    );
    assert_eq!(
        decode(&unhex("c7000c"), &Type::String).unwrap(),
        Value::unknown()
    );
    // Refinements on a dynamic unknown are ignored; unknown keys are skipped.
    assert_eq!(
        decode(&unhex("c7030c8101c2"), &Type::Dynamic).unwrap(),
        Value::unknown()
    );
    // {9: [1, 2], 1: false}: key 9 is unknown and skipped.
    let payload: Vec<u8> = vec![0x82, 0x09, 0x92, 0x01, 0x02, 0x01, 0xc2];
    let mut b = vec![0xc7, payload.len() as u8, 0x0c];
    b.extend_from_slice(&payload);
    assert_eq!(
        decode(&b, &Type::String).unwrap(),
        refined(Refinements::not_null())
    );
}

#[test]
fn rejects_bad_refinements() {
    for (h, ty) in [
        ("c7050c8102a178", Type::Number),   // string prefix on a number
        ("c7040c810392", Type::String),     // number bound on a string (also truncated)
        ("c7030c810501", Type::String),     // length bound on a string
        ("c7030c8101a1", Type::Bool),       // nullness not a bool
        ("c7050c8103920100", Type::Number), // bound: second element not a bool
        ("c7050c810392c0c3", Type::Number), // bound: null number
        ("c7030c8105ff", Type::list(Type::Bool)), // negative length
        ("c703058101c2", Type::Bool),       // non-12 extension with a payload
    ] {
        assert!(decode(&unhex(h), &ty).is_err(), "{h} should be rejected");
    }
    let mut big = vec![0xc8, 0x04, 0x01, 0x0c];
    big.extend(std::iter::repeat_n(0u8, 1025));
    assert!(
        decode(&big, &Type::String).is_err(),
        "oversize refinement payload"
    );
}

fn roundtrip(value: &Value, ty: &Type) {
    let bytes = encode(value, ty).unwrap_or_else(|e| panic!("encode {value:?}: {e}"));
    let back = decode(&bytes, ty).unwrap_or_else(|e| panic!("decode {value:?}: {e}"));
    assert_eq!(&back, value, "msgpack round trip of {value:?}");
    if value.is_wholly_known() {
        let json = encode_json(value, ty).unwrap_or_else(|e| panic!("encode_json {value:?}: {e}"));
        let back = decode_json(&json, ty).unwrap_or_else(|e| panic!("decode_json {value:?}: {e}"));
        assert_eq!(
            &back,
            value,
            "JSON round trip of {}",
            String::from_utf8_lossy(&json)
        );
    } else {
        assert!(matches!(
            encode_json(value, ty),
            Err(CodecError::UnknownInJson { .. })
        ));
    }
}

#[test]
fn round_trips_every_kind() {
    let every_refinement_number = refined(Refinements {
        not_null: Some(true),
        number_lower: Some((num("-1e400"), false)),
        number_upper: Some((num("0.1"), true)),
        ..Refinements::default()
    });
    let every_refinement_string = refined(Refinements {
        not_null: Some(true),
        string_prefix: Some("héllo-".into()),
        ..Refinements::default()
    });
    let every_refinement_list = refined(Refinements {
        not_null: Some(true),
        length_lower: Some(3),
        length_upper: Some(1000),
        ..Refinements::default()
    });
    let known_null = refined(Refinements {
        not_null: Some(false),
        ..Refinements::default()
    });
    let numbers = [
        "0",
        "-1",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        "0.1",
        "1e400",
        "-1e-400",
        "123456789012345678901234567890.123456789",
        "1.5",
        "-2.25",
        "3.14159265358979323846264338327950288419716939937510",
    ];
    for n in numbers {
        roundtrip(&Value::number(num(n)), &Type::Number);
    }
    for f in [0.1f64, -0.0, 1e300, -5e-324, 2.0f64.powi(63), 123.456] {
        roundtrip(&Value::Number(Number::from_f64(f).unwrap()), &Type::Number);
    }
    let obj_ty = Type::object_with_optional(
        [
            ("name", Type::String),
            ("count", Type::Number),
            (
                "nested",
                Type::object_with_optional(
                    [
                        ("a", Type::Bool),
                        ("b", Type::list(Type::String)),
                        ("c", Type::String),
                    ],
                    ["c"],
                ),
            ),
            ("tags", Type::map(Type::String)),
            ("ids", Type::set(Type::Number)),
            ("pair", Type::tuple([Type::String, Type::Bool])),
            ("any", Type::Dynamic),
        ],
        ["count"],
    );
    let obj = Value::object([
        ("name", s("ünïcödé ✓ 𝄞")),
        ("count", Value::Null),
        (
            "nested",
            Value::object([
                ("a", Value::bool(true)),
                ("b", Value::list([s("x"), s(""), Value::Null])),
                ("c", Value::Null),
            ]),
        ),
        ("tags", Value::map([("k1", s("v1")), ("k2", s("v2"))])),
        (
            "ids",
            Value::set([Value::number(3), Value::number(1), Value::number(2)]),
        ),
        ("pair", Value::tuple([s("p"), Value::bool(false)])),
        (
            "any",
            dynamic(
                Type::object([("deep", Type::list(Type::map(Type::Number)))]),
                Value::object([(
                    "deep",
                    Value::list([Value::map([("x", Value::number(num("1e400")))])]),
                )]),
            ),
        ),
    ]);
    let cases: Vec<(Value, Type)> = vec![
        (Value::Null, Type::String),
        (Value::unknown(), Type::Number),
        (every_refinement_number, Type::Number),
        (every_refinement_string, Type::String),
        (every_refinement_list.clone(), Type::list(Type::String)),
        (every_refinement_list.clone(), Type::set(Type::Number)),
        (every_refinement_list, Type::map(Type::Bool)),
        (known_null, Type::Bool),
        (Value::bool(true), Type::Bool),
        (Value::bool(false), Type::Bool),
        (s(""), Type::String),
        (s(&"long ".repeat(20_000)), Type::String),
        (
            Value::list([s("a"), Value::unknown(), Value::Null]),
            Type::list(Type::String),
        ),
        (
            Value::list((0..40).map(Value::number)),
            Type::list(Type::Number),
        ),
        (
            Value::set([Value::bool(true), Value::bool(false)]),
            Type::set(Type::Bool),
        ),
        (
            Value::map((0..20).map(|i| (format!("k{i}"), Value::number(i)))),
            Type::map(Type::Number),
        ),
        (obj.clone(), obj_ty.clone()),
        (
            Value::list([obj.clone(), Value::Null]),
            Type::list(obj_ty.clone()),
        ),
        (
            Value::tuple([Value::number(1), s("two"), Value::list([])]),
            Type::tuple([Type::Number, Type::String, Type::list(Type::Bool)]),
        ),
        (dynamic(Type::Dynamic, Value::Null), Type::Dynamic),
        (
            dynamic(
                Type::tuple([Type::Dynamic, Type::String]),
                Value::tuple([dynamic(Type::Number, Value::number(5)), s("x")]),
            ),
            Type::Dynamic,
        ),
        (
            dynamic(
                Type::set(Type::object([("a", Type::String)])),
                Value::set([Value::object([("a", s("b"))])]),
            ),
            Type::Dynamic,
        ),
        (dynamic(Type::String, Value::unknown()), Type::Dynamic),
        (
            Value::object([("x", Value::unknown())]),
            Type::object([("x", Type::Dynamic)]),
        ),
    ];
    for (v, t) in &cases {
        if *v == dynamic(Type::Dynamic, Value::Null) {
            // A dynamic-typed null inside a dynamic position is written as plain nil.
            assert_eq!(decode(&encode(v, t).unwrap(), t).unwrap(), Value::Null);
            continue;
        }
        roundtrip(v, t);
    }
}

#[test]
fn number_encodings_follow_go_cty() {
    let enc = |n: &str| hex(&encode(&Value::number(num(n)), &Type::Number).unwrap());
    assert_eq!(enc("0.1"), "a3302e31");
    assert_eq!(enc("-1"), "ff");
    assert_eq!(enc("1e3"), "cd03e8");
    assert_eq!(enc("2.5"), "cb4004000000000000");
    let big = "123456789012345678901234567890.123456789";
    assert_eq!(
        enc(big),
        format!("d9{:02x}{}", big.len(), hex(big.as_bytes()))
    );
    let e400 = enc("1e400");
    assert!(e400.starts_with("da0191")); // str16 of 401 bytes: "1" and 400 zeros
    let neg = enc("-1e-400");
    assert!(neg.starts_with("da0193")); // "-0." + 399 zeros + "1" = 403 bytes
}

#[test]
fn objects_need_every_attribute() {
    let ty = Type::object([("a", Type::String), ("b", Type::String)]);
    // Decoding: a map with only "a".
    match decode(&unhex("81a161c0"), &ty) {
        Err(CodecError::MissingAttribute { path, name }) => {
            assert_eq!(name, "b");
            assert!(path.is_root());
        }
        other => panic!("expected a missing attribute error, got {other:?}"),
    }
    // Decoding: an attribute the type does not have.
    match decode(&unhex("83a161c0a162c0a163c0"), &ty) {
        Err(CodecError::UnexpectedAttribute { name, .. }) => assert_eq!(name, "c"),
        other => panic!("expected an unexpected attribute error, got {other:?}"),
    }
    // Encoding: the value lacks "b".
    let err = encode(&Value::object([("a", s("x"))]), &ty).unwrap_err();
    assert!(matches!(err, CodecError::MissingAttribute { ref name, .. } if name == "b"));
    assert!(err.to_string().contains("\"b\""));
    // Optional attributes may be absent; they decode as null and are encoded as nil.
    let opt_ty = Type::object_with_optional([("a", Type::String), ("b", Type::String)], ["b"]);
    assert_eq!(
        decode(&unhex("81a161a178"), &opt_ty).unwrap(),
        Value::object([("a", s("x")), ("b", Value::Null)])
    );
    assert_eq!(
        hex(&encode(&Value::object([("a", s("x"))]), &opt_ty).unwrap()),
        "82a161a178a162c0"
    );
    // JSON: missing attributes are null (older state), unknown ones an error.
    assert_eq!(
        decode_json(br#"{"a":"x"}"#, &ty).unwrap(),
        Value::object([("a", s("x")), ("b", Value::Null)])
    );
    assert!(matches!(
        decode_json(br#"{"a":"x","zz":1}"#, &ty),
        Err(CodecError::UnexpectedAttribute { ref name, .. }) if name == "zz"
    ));
}

#[test]
fn errors_carry_paths() {
    let ty = Type::object([("outer", Type::list(Type::object([("n", Type::Number)])))]);
    let v = Value::object([(
        "outer",
        Value::list([
            Value::object([("n", Value::number(1))]),
            Value::object([("n", s("oops"))]),
        ]),
    )]);
    let err = encode(&v, &ty).unwrap_err();
    assert_eq!(
        err.path(),
        &AttributePath::root().attr("outer").index(1).attr("n")
    );
    assert_eq!(
        err.to_string(),
        "outer[1].n: number is required, found string"
    );

    // Decoding {"outer": [{"n": "x"}]} — a string that is not a number.
    let bytes = unhex("81a56f757465729181a16ea178");
    let err = decode(&bytes, &ty).unwrap_err();
    assert_eq!(
        err.path(),
        &AttributePath::root().attr("outer").index(0).attr("n")
    );
    // Messages never echo string content.
    assert!(!err.to_string().contains("\"x\""));

    let err = decode_json(br#"{"outer":[{"n":true}]}"#, &ty).unwrap_err();
    assert_eq!(
        err.path(),
        &AttributePath::root().attr("outer").index(0).attr("n")
    );

    let map_ty = Type::map(Type::Bool);
    let err = decode(&unhex("81a36b6579a178"), &map_ty).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root().key("key"));
}

#[test]
fn json_matches_go_cty() {
    let cases: Vec<(Value, Type, &str)> = vec![
        (s("hello"), Type::String, r#""hello""#),
        (Value::number(2), Type::Number, "2"),
        (Value::number(num("2.5")), Type::Number, "2.5"),
        (Value::Null, Type::String, "null"),
        (
            Value::list([Value::bool(true), Value::bool(false)]),
            Type::list(Type::Bool),
            "[true,false]",
        ),
        (
            Value::tuple([Value::bool(true), Value::number(5)]),
            Type::tuple([Type::Bool, Type::Number]),
            "[true,5]",
        ),
        (
            Value::map([("yes", Value::bool(true)), ("no", Value::bool(false))]),
            Type::map(Type::Bool),
            r#"{"no":false,"yes":true}"#,
        ),
        (
            Value::object([("bool", Value::bool(true)), ("number", Value::number(0))]),
            Type::object([("bool", Type::Bool), ("number", Type::Number)]),
            r#"{"bool":true,"number":0}"#,
        ),
        (
            dynamic(Type::Bool, Value::bool(true)),
            Type::Dynamic,
            r#"{"value":true,"type":"bool"}"#,
        ),
        (
            dynamic(Type::Number, Value::number(5)),
            Type::Dynamic,
            r#"{"value":5,"type":"number"}"#,
        ),
        (
            Value::list([
                dynamic(Type::Bool, Value::bool(true)),
                dynamic(Type::Bool, Value::bool(false)),
            ]),
            Type::list(Type::Dynamic),
            r#"[{"value":true,"type":"bool"},{"value":false,"type":"bool"}]"#,
        ),
        (
            Value::object([
                ("static", Value::bool(true)),
                ("dynamic", dynamic(Type::Bool, Value::bool(true))),
            ]),
            Type::object([("static", Type::Bool), ("dynamic", Type::Dynamic)]),
            r#"{"dynamic":{"value":true,"type":"bool"},"static":true}"#,
        ),
        (
            dynamic(
                Type::object([("dynamic", Type::Bool), ("static", Type::Bool)]),
                Value::object([
                    ("static", Value::bool(true)),
                    ("dynamic", Value::bool(true)),
                ]),
            ),
            Type::Dynamic,
            r#"{"value":{"dynamic":true,"static":true},"type":["object",{"dynamic":"bool","static":"bool"}]}"#,
        ),
        (
            Value::number(num("123456789012345678901234567890.123456789")),
            Type::Number,
            "123456789012345678901234567890.123456789",
        ),
    ];
    for (v, t, want) in &cases {
        let got = encode_json(v, t).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), *want);
        assert_eq!(&decode_json(want.as_bytes(), t).unwrap(), v, "{want}");
    }
    // Exponent forms and huge numbers decode exactly.
    assert_eq!(
        decode_json(b"1e400", &Type::Number).unwrap(),
        Value::number(num("1e400"))
    );
    assert_eq!(
        decode_json(b"-1E-400", &Type::Number).unwrap(),
        Value::number(num("-1e-400"))
    );
    assert_eq!(
        decode_json(b"18446744073709551615", &Type::Number).unwrap(),
        Value::number(u64::MAX)
    );
    let big = format!("{}.5", "9".repeat(60));
    assert_eq!(
        String::from_utf8(
            encode_json(
                &decode_json(big.as_bytes(), &Type::Number).unwrap(),
                &Type::Number
            )
            .unwrap()
        )
        .unwrap(),
        big
    );
    assert_eq!(
        decode_json(br#""1""#, &Type::Bool).unwrap(),
        Value::bool(true)
    );
    assert!(decode_json(b"[1,2]", &Type::tuple([Type::Number])).is_err());
    assert!(decode_json(br#"{"type":"bool"}"#, &Type::Dynamic).is_err());
    assert!(decode_json(br#"{"type":"bool","value":true,"x":1}"#, &Type::Dynamic).is_err());
}

#[test]
fn type_json_round_trips() {
    let ty = Type::object_with_optional(
        [
            ("a", Type::tuple([Type::Dynamic, Type::set(Type::Number)])),
            ("b", Type::map(Type::object([("x", Type::Bool)]))),
        ],
        ["b"],
    );
    let bytes = type_to_json_bytes(&ty);
    assert_eq!(type_from_json_bytes(&bytes).unwrap(), ty);
    assert_eq!(
        type_to_json_bytes(&Type::list(Type::String)),
        br#"["list","string"]"#.to_vec()
    );
}

#[test]
fn limits_are_enforced_without_crashing() {
    // A huge declared array length with no data: error, no huge allocation.
    for h in [
        "dd7fffffff",
        "dcffff",
        "df7fffffff",
        "db7fffffff",
        "c97fffffff0c",
    ] {
        assert!(decode(&unhex(h), &Type::list(Type::String)).is_err(), "{h}");
        assert!(decode(&unhex(h), &Type::map(Type::String)).is_err(), "{h}");
    }
    // Nesting beyond MAX_DEPTH.
    let mut ty = Type::String;
    for _ in 0..(MAX_DEPTH + 10) {
        ty = Type::list(ty);
    }
    let mut bytes = vec![0x91; MAX_DEPTH + 10];
    bytes.push(0xa0);
    assert!(matches!(
        decode(&bytes, &ty),
        Err(CodecError::TooDeep { .. })
    ));
    let mut v = s("");
    for _ in 0..(MAX_DEPTH + 10) {
        v = Value::list([v]);
    }
    assert!(matches!(encode(&v, &ty), Err(CodecError::TooDeep { .. })));
    // Dynamic values wrapping dynamic values wrapping ... are cut off at the same depth.
    let mut deep = Vec::new();
    for _ in 0..100_000 {
        deep.extend_from_slice(&unhex("92c4092264796e616d696322"));
    }
    deep.push(0xc0);
    assert!(matches!(
        decode(&deep, &Type::Dynamic),
        Err(CodecError::TooDeep { .. })
    ));
    let mut shallow = Vec::new();
    for _ in 0..10 {
        shallow.extend_from_slice(&unhex("92c4092264796e616d696322"));
    }
    shallow.extend_from_slice(&unhex("92c40622626f6f6c22c3"));
    // `["dynamic", v]` collapses to `v`.
    let want = dynamic(Type::Bool, Value::bool(true));
    assert_eq!(decode(&shallow, &Type::Dynamic).unwrap(), want);
    // Trailing bytes.
    assert!(decode(&unhex("c3c3"), &Type::Bool).is_err());
    // Invalid UTF-8.
    assert!(decode(&unhex("a2c328"), &Type::String).is_err());
    // Non-finite floats cannot be cty numbers we can hold.
    assert!(decode(&unhex("cb7ff0000000000000"), &Type::Number).is_err());
    assert!(decode(&unhex("cb7ff8000000000000"), &Type::Number).is_err());
}

/// Deterministic xorshift64* PRNG.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn fuzz_decoding_never_panics() {
    let types = vec![
        Type::String,
        Type::Number,
        Type::Bool,
        Type::Dynamic,
        Type::list(Type::String),
        Type::set(Type::Number),
        Type::map(Type::Dynamic),
        Type::tuple([Type::Number, Type::String, Type::Dynamic]),
        Type::object_with_optional(
            [
                ("a", Type::String),
                (
                    "b",
                    Type::list(Type::object([("c", Type::Number), ("d", Type::Dynamic)])),
                ),
                ("e", Type::map(Type::Bool)),
            ],
            ["e"],
        ),
    ];
    // Seeds: valid encodings (mutations of these reach deep into the decoder).
    let seeds: Vec<Vec<u8>> = vec![
        unhex("81a86772656574696e6792c40822737472696e6722a568656c6c6f"),
        unhex("c70b0c8301c2039201c3049205c3"),
        unhex("c70e0c8201c202a97072656669783a2f2f"),
        unhex("c7070c8301c205010605"),
        unhex("9292c40822737472696e6722a568656c6c6f92c40822737472696e6722a5776f726c64"),
        unhex("93cb3ff8000000000000a0c0"),
        encode(
            &Value::object([
                ("a", s("x")),
                (
                    "b",
                    Value::list([Value::object([
                        ("c", Value::number(num("0.1"))),
                        ("d", Value::bool(true)),
                    ])]),
                ),
                ("e", Value::map([("k", Value::unknown())])),
            ]),
            &types[8],
        )
        .unwrap(),
        unhex("92c4115b226c697374222c22737472696e67225d91a568656c6c6f"),
        // JSON seeds, so that mutations also reach deep into the JSON decoder.
        br#"{"a":"x","b":[{"c":0.1,"d":{"value":[1,"2"],"type":["tuple",["number","string"]]}}],"e":{"k":true}}"#.to_vec(),
        br#"{"value":{"x":[1e400,-1e-400]},"type":["object",{"x":["list","number"]}]}"#.to_vec(),
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = Instant::now();
    let mut decoded_ok = 0usize;
    let iterations = 20_000;
    for i in 0..iterations {
        let input: Vec<u8> = if i % 2 == 0 {
            let len = rng.below(64);
            (0..len).map(|_| rng.next() as u8).collect()
        } else {
            let mut b = seeds[rng.below(seeds.len())].clone();
            for _ in 0..=rng.below(4) {
                match rng.below(4) {
                    0 if !b.is_empty() => {
                        let at = rng.below(b.len());
                        b[at] = rng.next() as u8;
                    }
                    1 if !b.is_empty() => {
                        let at = rng.below(b.len());
                        b.truncate(at);
                    }
                    2 => {
                        let at = rng.below(b.len() + 1);
                        b.insert(at, rng.next() as u8);
                    }
                    _ if !b.is_empty() => {
                        let at = rng.below(b.len());
                        b[at] ^= 1 << rng.below(8);
                    }
                    _ => {}
                }
            }
            b
        };
        for ty in &types {
            let result = catch_unwind(AssertUnwindSafe(|| decode(&input, ty)));
            let Ok(result) = result else {
                panic!("decode panicked on {} as {ty:?}", hex(&input));
            };
            if let Ok(v) = result {
                decoded_ok += 1;
                // Whatever decodes must re-encode, and re-decode to the same value.
                let again = encode(&v, ty)
                    .unwrap_or_else(|e| panic!("re-encode of {} failed: {e}", hex(&input)));
                assert_eq!(decode(&again, ty).unwrap(), v);
            }
        }
        let json_result = catch_unwind(AssertUnwindSafe(|| {
            decode_json(&input, &types[i % types.len()])
        }));
        assert!(
            json_result.is_ok(),
            "decode_json panicked on {}",
            hex(&input)
        );
    }
    let elapsed = start.elapsed();
    assert!(
        decoded_ok > 100,
        "mutations should often stay valid ({decoded_ok})"
    );
    assert!(elapsed < Duration::from_secs(5), "fuzz took {elapsed:?}");
    eprintln!(
        "fuzz: {iterations} inputs x {} types in {elapsed:?}, {decoded_ok} decoded",
        types.len()
    );
}

#[test]
fn max_depth_fits_in_a_2mib_stack() {
    // Servers run on 2 MiB thread stacks (tokio's default); the deepest accepted value must
    // encode, decode and convert there, even in debug builds.
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let depth = MAX_DEPTH - 1;
            let mut ty = Type::String;
            let mut v = s("leaf");
            for i in 0..depth {
                match i % 3 {
                    0 => {
                        ty = Type::list(ty);
                        v = Value::list([v]);
                    }
                    1 => {
                        ty = Type::object([("o", ty)]);
                        v = Value::object([("o", v)]);
                    }
                    _ => {
                        ty = Type::map(ty);
                        v = Value::map([("k", v)]);
                    }
                }
            }
            v.conforms(&ty).unwrap();
            let bytes = encode(&v, &ty).unwrap();
            assert_eq!(decode(&bytes, &ty).unwrap(), v);
            let json = encode_json(&v, &ty).unwrap();
            // serde_json's own parser stops at 128 levels; deeper JSON is refused cleanly.
            assert!(decode_json(&json, &ty).is_err());
            let dyn_bytes = encode(&Value::dynamic(ty.clone(), v.clone()), &Type::Dynamic);
            // The type JSON of such a deep type is too deep for the JSON parser: a clean error.
            if let Ok(b) = dyn_bytes {
                assert!(decode(&b, &Type::Dynamic).is_err());
            }
        })
        .unwrap();
    handle
        .join()
        .expect("deep values must not overflow a 2 MiB stack");
}

fn gen_string(rng: &mut Rng) -> String {
    const PARTS: [&str; 8] = ["a", "Z", "0", " ", "é", "✓", "𝄞", "\"\\\n"];
    (0..rng.below(6))
        .map(|_| PARTS[rng.below(PARTS.len())])
        .collect()
}

fn gen_number(rng: &mut Rng) -> Number {
    match rng.below(4) {
        0 => Number::from(rng.next() as i64),
        1 => Number::from(rng.next()),
        2 => loop {
            if let Some(n) = Number::from_f64(f64::from_bits(rng.next())) {
                break n;
            }
        },
        _ => {
            let digits: String = (0..=rng.below(40))
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect();
            let exp = rng.below(200) as i64 - 100;
            let sign = if rng.below(2) == 0 { "-" } else { "" };
            format!("{sign}{digits}e{exp}").parse().unwrap()
        }
    }
}

fn gen_type(rng: &mut Rng, depth: usize) -> Type {
    let leaf = depth >= 4 || rng.below(3) == 0;
    if leaf {
        return [Type::Bool, Type::Number, Type::String, Type::Dynamic][rng.below(4)].clone();
    }
    match rng.below(6) {
        0 => Type::list(gen_type(rng, depth + 1)),
        1 => Type::set(gen_type(rng, depth + 1)),
        2 => Type::map(gen_type(rng, depth + 1)),
        3 => Type::tuple(
            (0..rng.below(4))
                .map(|_| gen_type(rng, depth + 1))
                .collect::<Vec<_>>(),
        ),
        _ => {
            let names = ["id", "name", "tags", "x", "ü"];
            let mut attrs: Vec<(String, Type)> = Vec::new();
            for n in names {
                if rng.below(2) == 0 {
                    attrs.push((n.to_string(), gen_type(rng, depth + 1)));
                }
            }
            let optional: Vec<String> = attrs
                .iter()
                .filter(|_| rng.below(3) == 0)
                .map(|(n, _)| n.clone())
                .collect();
            Type::object_with_optional(attrs, optional)
        }
    }
}

fn gen_unknown(rng: &mut Rng, ty: &Type) -> Value {
    let mut r = Refinements::default();
    if *ty == Type::Dynamic || rng.below(2) == 0 {
        return Value::Unknown(r);
    }
    if rng.below(2) == 0 {
        r.not_null = Some(rng.below(4) != 0);
    }
    match ty {
        Type::String => {
            let p = gen_string(rng);
            r.string_prefix = (!p.is_empty()).then_some(p);
        }
        Type::Number => {
            if rng.below(2) == 0 {
                r.number_lower = Some((gen_number(rng), rng.below(2) == 0));
            }
            if rng.below(2) == 0 {
                r.number_upper = Some((gen_number(rng), rng.below(2) == 0));
            }
        }
        Type::List(_) | Type::Set(_) | Type::Map(_) => {
            if rng.below(2) == 0 {
                r.length_lower = Some(1 + rng.below(100) as u64);
            }
            if rng.below(2) == 0 {
                r.length_upper = Some(rng.next() >> 1);
            }
        }
        _ => {}
    }
    Value::Unknown(r)
}

fn gen_value(rng: &mut Rng, ty: &Type, depth: usize) -> Value {
    match rng.below(10) {
        0 => return Value::Null,
        1 => return gen_unknown(rng, ty),
        _ => {}
    }
    match ty {
        Type::Bool => Value::bool(rng.below(2) == 0),
        Type::Number => Value::Number(gen_number(rng)),
        Type::String => Value::String(gen_string(rng)),
        Type::Dynamic => {
            let mut t = gen_type(rng, depth + 1);
            if t == Type::Dynamic {
                t = Type::String;
            }
            let v = gen_value(rng, &t, depth + 1);
            Value::dynamic(t, v)
        }
        Type::List(et) => Value::list(
            (0..rng.below(4))
                .map(|_| gen_value(rng, et, depth + 1))
                .collect::<Vec<_>>(),
        ),
        Type::Set(et) => Value::set(
            (0..rng.below(4))
                .map(|_| gen_value(rng, et, depth + 1))
                .collect::<Vec<_>>(),
        ),
        Type::Map(et) => Value::map(
            (0..rng.below(4))
                .map(|_| (gen_string(rng), gen_value(rng, et, depth + 1)))
                .collect::<Vec<_>>(),
        ),
        Type::Tuple(ets) => Value::tuple(
            ets.iter()
                .map(|et| gen_value(rng, et, depth + 1))
                .collect::<Vec<_>>(),
        ),
        Type::Object { attrs, optional } => {
            let mut m = Vec::new();
            for (n, t) in attrs {
                if !optional.contains(n) || rng.below(2) == 0 {
                    m.push((n.clone(), gen_value(rng, t, depth + 1)));
                }
            }
            Value::object(m)
        }
    }
}

/// Fills absent optional attributes with null, as decoding does.
fn with_optional_nulls(v: &Value, ty: &Type) -> Value {
    match (ty, v) {
        (Type::Dynamic, Value::Dynamic(t, inner)) => {
            Value::dynamic(t.clone(), with_optional_nulls(inner, t))
        }
        (Type::List(et), Value::List(e)) => {
            Value::List(e.iter().map(|x| with_optional_nulls(x, et)).collect())
        }
        (Type::Set(et), Value::Set(e)) => {
            Value::Set(e.iter().map(|x| with_optional_nulls(x, et)).collect())
        }
        (Type::Map(et), Value::Map(m)) => Value::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), with_optional_nulls(x, et)))
                .collect(),
        ),
        (Type::Tuple(ets), Value::Tuple(e)) => Value::Tuple(
            e.iter()
                .zip(ets)
                .map(|(x, t)| with_optional_nulls(x, t))
                .collect(),
        ),
        (Type::Object { attrs, .. }, Value::Object(m)) => Value::Object(
            attrs
                .iter()
                .map(|(n, t)| {
                    (
                        n.clone(),
                        m.get(n).map_or(Value::Null, |x| with_optional_nulls(x, t)),
                    )
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

#[test]
fn random_values_round_trip() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let start = Instant::now();
    for _ in 0..3_000 {
        let ty = gen_type(&mut rng, 0);
        let v = gen_value(&mut rng, &ty, 0);
        v.conforms(&ty)
            .unwrap_or_else(|e| panic!("generated value does not conform: {e}"));
        let want = with_optional_nulls(&v, &ty);
        let bytes = encode(&v, &ty).unwrap_or_else(|e| panic!("encode {v:?} as {ty:?}: {e}"));
        let back =
            decode(&bytes, &ty).unwrap_or_else(|e| panic!("decode {} as {ty:?}: {e}", hex(&bytes)));
        assert_eq!(back, want, "msgpack round trip as {ty:?}");
        if v.is_wholly_known() {
            let json = encode_json(&v, &ty).unwrap();
            let back = decode_json(&json, &ty)
                .unwrap_or_else(|e| panic!("decode_json {}: {e}", String::from_utf8_lossy(&json)));
            assert_eq!(
                back,
                want,
                "JSON round trip of {}",
                String::from_utf8_lossy(&json)
            );
        }
    }
    assert!(start.elapsed() < Duration::from_secs(5));
}
