import Foundation

/// Hand-encodes tiny ONNX models (protobuf) for tests that need a model no file provides, such as
/// one with float16 tensors. Only the handful of ModelProto fields these models use are written.
enum TinyOnnxModel {
    /// Input `x`: float16 [count]. Outputs `same`: Identity(x), float16; `widened`: Cast(x, to: float).
    static func float16PassThrough(count: Int) -> Data {
        let float16 = 10, float = 1
        let identity = message([string(1, "x"), string(2, "same"), string(4, "Identity")])
        let castTo = message([string(1, "to"), varint(3, float), varint(20, 2)]) // AttributeProto type INT = 2
        let cast = message([string(1, "x"), string(2, "widened"), string(4, "Cast"), field(5, castTo)])
        let graph = message([
            field(1, identity), field(1, cast), string(2, "float16_pass_through"),
            field(11, valueInfo("x", float16, count)),
            field(12, valueInfo("same", float16, count)),
            field(12, valueInfo("widened", float, count)),
        ])
        let opset = message([string(1, ""), varint(2, 13)])
        return message([varint(1, 8), field(7, graph), field(8, opset)]) // ir_version 8, opset 13
    }

    private static func valueInfo(_ name: String, _ elementType: Int, _ count: Int) -> Data {
        let shape = message([field(1, message([varint(1, count)]))])         // TensorShapeProto.dim
        let tensorType = message([varint(1, elementType), field(2, shape)])   // TypeProto.Tensor
        return message([string(1, name), field(2, message([field(1, tensorType)]))])
    }

    private static func message(_ fields: [Data]) -> Data { fields.reduce(Data(), +) }

    private static func varint(_ number: Int, _ value: Int) -> Data { encode(UInt64(number << 3)) + encode(UInt64(value)) }

    private static func string(_ number: Int, _ value: String) -> Data { field(number, Data(value.utf8)) }

    /// A length-delimited field (wire type 2): nested message, string or bytes.
    private static func field(_ number: Int, _ payload: Data) -> Data {
        encode(UInt64(number << 3 | 2)) + encode(UInt64(payload.count)) + payload
    }

    private static func encode(_ value: UInt64) -> Data {
        var value = value, bytes = Data()
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            bytes.append(value == 0 ? low : low | 0x80)
        } while value != 0
        return bytes
    }
}
