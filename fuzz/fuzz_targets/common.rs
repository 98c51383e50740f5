// Shared by the value targets: the types a fuzz input is decoded against.
use tfplugin::framework::value::Type;

/// A type picked by the input's first byte: primitives, collections, objects and dynamic.
pub fn type_for(selector: u8) -> Type {
    let obj = Type::object([
        ("id", Type::String),
        ("n", Type::Number),
        ("tags", Type::set(Type::String)),
        ("nested", Type::list(Type::object([("on", Type::Bool), ("any", Type::Dynamic)]))),
    ]);
    match selector % 8 {
        0 => Type::String,
        1 => Type::Number,
        2 => Type::list(Type::Number),
        3 => Type::map(Type::set(Type::String)),
        4 => Type::tuple([Type::Bool, Type::Dynamic]),
        5 => Type::Dynamic,
        6 => Type::list(obj.clone()),
        _ => obj,
    }
}
